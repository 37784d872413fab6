// Checks of the globs gateway.yaml holds, done at load so a typo never silently matches nothing.
import picomatch from 'picomatch';

/**
 * Why a glob is refused, or undefined when it is fine. `scope` says what it matches: `tool` globs speak
 * of `server/tool`, `name` globs of a bare tool name, `path` globs of file paths.
 */
export function globProblem(glob: string, scope: 'tool' | 'name' | 'path' | 'server'): string | undefined {
  if (glob.trim() === '') return 'Empty pattern; write a glob such as "fs/read_*"';
  if (glob.startsWith('!')) {
    return `Pattern "${glob}" starts with "!"; negation is not supported, put the pattern in deny instead`;
  }
  let source: string;
  try {
    source = picomatch.makeRe(glob, { dot: true, strictBrackets: true }).source;
  } catch (error) {
    return `Pattern "${glob}" is not a valid glob: ${(error as Error).message}`;
  }
  // picomatch compiles some broken globs (a trailing "\", a reversed range) to a regex matching nothing.
  if (source === '$^') return `Pattern "${glob}" can never match anything; check its escapes and ranges`;
  if (scope === 'tool') return toolScopeProblem(glob);
  if (scope === 'server' && glob.includes('/')) return `Pattern "${glob}" holds "/", but server ids never do; write a server id or a glob such as "*"`;
  return undefined;
}

/** Tool rules may also name resources (`resource:server/uri`) and prompts (`prompt:server/name`). */
function toolScopeProblem(glob: string): string | undefined {
  const prefix = /^(resource|prompt):/.exec(glob)?.[0];
  if (prefix) {
    const rest = glob.slice(prefix.length);
    const what = prefix === 'resource:' ? 'uri' : 'name';
    if (rest === '' || (!rest.includes('/') && !rest.startsWith('**'))) {
      return `Pattern "${glob}" names no server; write "${prefix}<server>/<${what} glob>", e.g. "${prefix}${rest === '' ? 'fs' : rest}/**"`;
    }
    return undefined;
  }
  const colon = glob.indexOf(':');
  const slash = glob.indexOf('/');
  // Server ids never hold ":", so a prefix other than the two known ones is a typo that would match nothing.
  if (colon >= 0 && (slash < 0 || colon < slash)) {
    return `Pattern "${glob}" starts with the unknown prefix "${glob.slice(0, colon + 1)}"; write "resource:<server>/<uri glob>", "prompt:<server>/<name glob>" or a "server/tool" glob`;
  }
  if (!glob.includes('/') && !glob.includes('**')) {
    return `Pattern "${glob}" can never match a "server/tool" name; write "*/${glob}" for every server or "<server>/${glob}"`;
  }
  return undefined;
}
