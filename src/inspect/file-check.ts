// inspectFileCall: one filesystem tool call in, an Inspection out. Reads never violate; for writes
// `violation` says why create-only refuses it (exists, symlink, sensitive, outside the roots).
import type { InspectOverrides } from '../config/types.js';
import type { Inspection, Refusal, Rule } from '../policy/types.js';
import { isWithin, lexicalPath, realRoots, resolveOnDisk, type ResolvedPath } from './file-paths.js';
import { sensitiveMatcher, type SensitiveMatcher } from './file-sensitive.js';
import { absolutePath, readRefusal, sensitivePath } from './sensitive-reads.js';
import { classifyFileTool, pathArguments } from './tool-defaults.js';

export interface FileCheckOptions {
  /** The server's roots, absolute. */
  roots: readonly string[];
  inspect?: InspectOverrides;
  /** The operator's `readonly:` globs for the server. */
  readonly?: readonly Rule[];
}

interface PathArgument {
  name: string;
  value: string;
}

/** Checks a filesystem tool call against the disk as it is now. Never throws. */
export async function inspectFileCall(tool: string, args: unknown, options: FileCheckOptions): Promise<Inspection> {
  try {
    return await inspect(tool, args, options);
  } catch (error) {
    return notUnderstood(`the file check failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function inspect(tool: string, args: unknown, options: FileCheckOptions): Promise<Inspection> {
  const overrides = options.inspect ?? {};
  const kind = classifyFileTool(tool, overrides, options.readonly);
  if (kind === 'read') return inspectRead(tool, args, options);
  if (kind === 'unknown') {
    // Not understood is allowed under file_write: full, so a secret named in its arguments is still refused.
    const { refusal } = await inspectRead(tool, args, options);
    const unknown = notUnderstood(`tool "${tool}" is not known to read or write; list it under inspect.readTools or inspect.writeTools`);
    return refusal ? { ...unknown, refusal } : unknown;
  }
  const record = args && typeof args === 'object' && !Array.isArray(args) ? (args as Record<string, unknown>) : {};
  // edit_file with dryRun shows a diff of the file, so it is a read of it.
  if (tool === 'edit_file' && record.dryRun === true) return inspectRead(tool, args, options);
  const collected = collectPaths(tool, record, overrides);
  if (typeof collected === 'string') return notUnderstood(collected);
  if (options.roots.length === 0) return notUnderstood('the server has no roots configured, so its paths cannot be checked');
  const roots = [...options.roots];
  const real = await realRoots(roots);
  const sensitive = sensitiveMatcher(overrides.sensitivePaths);
  const scope = { cwd: roots[0] as string, extra: overrides.sensitivePaths ?? [], sources: overrides.sensitivePathSources ?? {} };
  const patternTexts: string[] = [];
  let violation: string | undefined;
  let refusal: Refusal | undefined;
  for (const argument of collected) {
    if (argument.value.includes('\0')) return notUnderstood(`argument "${argument.name}" contains a NUL character`);
    // Moving a key out of ~/.ssh reads it, and writing the state directory answers tickets: refused
    // in every mode, file_write full included. Checked for every argument before any is resolved on
    // disk, so a later argument the gateway cannot resolve does not drop the refusal.
    const hit = refusal ? undefined : await sensitivePath(absolutePath(lexicalPath(argument.value, roots), scope.cwd), scope);
    if (hit) refusal = readRefusal(hit, scope, `"${tool}"`);
  }
  for (const argument of collected) {
    let resolved: Awaited<ReturnType<typeof resolveOnDisk>>;
    try {
      resolved = await resolveOnDisk(lexicalPath(argument.value, roots));
    } catch (error) {
      const unknown = notUnderstood(`argument "${argument.name}" cannot be resolved: ${error instanceof Error ? error.message : String(error)}`);
      return refusal ? { ...unknown, refusal } : unknown;
    }
    patternTexts.push(resolved.lexical);
    violation ??= createOnlyViolation(tool, argument.name, resolved, real, sensitive);
  }
  return { check: 'filesystem', understood: true, writes: true, ...(violation ? { violation } : {}), ...(refusal ? { refusal } : {}), patternTexts };
}

/** Argument names that hold a path in read tools: the official server's, common ones, and configured ones. */
const READ_PATH_ARGUMENTS = ['path', 'paths', 'source', 'file', 'files', 'filename', 'filepath', 'file_path', 'directory', 'dir', 'uri'];

/** Read tools that show metadata only (size, times, mode), never contents or names inside. */
const METADATA_TOOLS = new Set(['get_file_info', 'list_allowed_directories']);

// A read never violates create-only, but one of a sensitive path is refused in every mode.
async function inspectRead(tool: string, args: unknown, options: FileCheckOptions): Promise<Inspection> {
  if (METADATA_TOOLS.has(tool)) return { check: 'filesystem', understood: true, writes: false, patternTexts: [] };
  const overrides = options.inspect ?? {};
  const record = args && typeof args === 'object' && !Array.isArray(args) ? (args as Record<string, unknown>) : {};
  const scope = { cwd: options.roots[0] ?? '/', extra: overrides.sensitivePaths ?? [], sources: overrides.sensitivePathSources ?? {} };
  for (const name of new Set([...READ_PATH_ARGUMENTS, ...(overrides.arguments ?? [])])) {
    const value = record[name];
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) {
      if (typeof item !== 'string' || item === '') continue;
      if (item.includes('\0')) return notUnderstood(`argument "${name}" contains a NUL character`);
      const absolute = absolutePath(lexicalPath(item, options.roots), scope.cwd);
      const hit = await sensitivePath(absolute, scope);
      if (hit) return { check: 'filesystem', understood: true, writes: false, refusal: readRefusal(hit, scope, `"${tool}"`), patternTexts: [] };
    }
  }
  return { check: 'filesystem', understood: true, writes: false, patternTexts: [] };
}

function collectPaths(tool: string, record: Record<string, unknown>, overrides: InspectOverrides): PathArgument[] | string {
  const { required, optional } = pathArguments(tool, overrides);
  const out: PathArgument[] = [];
  for (const name of [...required, ...optional]) {
    const value = record[name];
    if (value === undefined && !required.includes(name)) continue;
    const values = Array.isArray(value) ? value : [value];
    if (values.length === 0 || values.some((item) => typeof item !== 'string' || item.trim() === '')) {
      return `argument "${name}" of "${tool}" is missing or not a path`;
    }
    for (const item of values as string[]) out.push({ name, value: item });
  }
  if (out.length === 0) return `no path argument is known for tool "${tool}"; list its argument under inspect.arguments`;
  return out;
}

/** Why create-only refuses writing this path, or undefined. The most specific reason comes first. */
function createOnlyViolation(tool: string, argument: string, resolved: ResolvedPath, roots: readonly string[], sensitive: SensitiveMatcher): string | undefined {
  const shown = `"${resolved.lexical}"`;
  if (resolved.danglingParent) return `${shown} goes through the dangling symbolic link "${resolved.danglingParent}"`;
  if (resolved.final === 'symlink') return `${shown} is a symbolic link`;
  if (!roots.some((root) => isWithin(resolved.real, root))) {
    return resolved.real === resolved.lexical
      ? `${shown} is outside the server's roots`
      : `${shown} resolves to "${resolved.real}", outside the server's roots`;
  }
  for (const candidate of new Set([resolved.lexical, resolved.real])) {
    const glob = sensitive(candidate);
    if (glob) return `${shown} is a sensitive path`;
  }
  if (resolved.final !== 'missing') {
    if (tool === 'move_file' && argument === 'source') return `moving ${shown} changes an existing file`;
    return `${shown} already exists`;
  }
  return undefined;
}

function notUnderstood(violation: string): Inspection {
  return { check: 'filesystem', understood: false, writes: true, violation, patternTexts: [] };
}
