// The forms a resource URI may stand for once an upstream parses it: the URL-normalised form (scheme
// and host case, "." and ".." segments, "%2e"), the percent-decoded forms and, for file:// URIs, the
// path on disk with symlinks resolved. Rules are matched on all of them, so an encoding cannot slip a
// URI past a deny rule, and the sensitive-path list is checked on the resolved file.
import { fileURLToPath } from 'node:url';
import type { Inspection } from '../policy/types.js';
import { resolveOnDisk } from '../inspect/file-paths.js';
import { sensitiveReadMatcher, sensitiveSource } from '../inspect/file-sensitive.js';

export interface ResourceForms {
  /** Other forms of the URI for the rules; empty when it has none. */
  forms: string[];
  /** Present for file:// URIs, and for a URI that cannot be parsed at all. */
  inspection?: Inspection;
}

/** Computes the forms of `uri` and, for file:// URIs, checks the path against the sensitive list. */
export async function resourceForms(uri: string, sensitivePaths: readonly string[] = [], sources: Readonly<Record<string, string>> = {}): Promise<ResourceForms> {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return { forms: [], inspection: refused(`"${uri}" is not a URI`) };
  }
  const forms = new Set<string>([url.href]);
  for (const form of [uri, url.href]) {
    const decoded = decodeFully(form);
    if (decoded === undefined) return { forms: [], inspection: refused('its percent-encoding is broken') };
    forms.add(decoded);
  }
  if (url.protocol !== 'file:') return { forms: [...forms] };

  let file: string;
  try {
    file = fileURLToPath(url);
  } catch (error) {
    // A host other than localhost, an encoded "/" or NUL: no file path the server could agree on.
    return { forms: [...forms], inspection: refused((error as Error).message) };
  }
  if (file.includes('\0')) return { forms: [...forms], inspection: refused('the path contains a NUL character') };
  let resolved: Awaited<ReturnType<typeof resolveOnDisk>>;
  try {
    resolved = await resolveOnDisk(file);
  } catch (error) {
    // A path the gateway may not look at (EACCES, a loop) is one it cannot vouch for.
    return { forms: [...forms], inspection: refused(`the path cannot be checked: ${(error as Error).message}`) };
  }
  const paths = [...new Set([resolved.lexical, resolved.real, ...(resolved.linkTarget ? [resolved.linkTarget] : [])])];
  for (const path of paths) forms.add(`file://${path}`);
  const sensitive = sensitiveReadMatcher(sensitivePaths);
  const hit = paths.map((path) => ({ path, glob: sensitive(path) })).find((entry) => entry.glob !== undefined);
  const violation = hit ? `"${hit.path}" is a sensitive path ("${hit.glob}")` : undefined;
  // The same refusal a filesystem read tool gets for that path: in every mode, naming the glob and where it was written.
  const refusal = hit
    ? { rule: `sensitive path "${hit.glob}"`, source: sensitiveSource(hit.glob ?? '', sources), message: `"${hit.path}" is a sensitive path (matches "${hit.glob}")` }
    : undefined;
  return {
    forms: [...forms],
    inspection: { check: 'filesystem', understood: true, writes: false, patternTexts: paths, ...(violation ? { violation } : {}), ...(refusal ? { refusal } : {}) },
  };
}

/** Decodes percent-escapes until nothing changes ("%252e" is "%2e" is "."); undefined when malformed. */
function decodeFully(text: string): string | undefined {
  let current = text;
  for (let round = 0; round < 5; round++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return undefined;
    }
    if (next === current) return current;
    current = next;
  }
  return current;
}

function refused(why: string): Inspection {
  return { check: 'filesystem', understood: false, writes: false, violation: why, patternTexts: [] };
}
