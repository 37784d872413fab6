// Checks of the globs gateway.yaml holds, done at load so a typo never silently matches nothing.
import picomatch from 'picomatch';

/**
 * Why a glob is refused, or undefined when it is fine. `scope` says what it matches: `tool` globs speak
 * of `server/tool`, `name` globs of a bare tool name, `path` globs of file paths.
 */
export function globProblem(glob: string, scope: 'tool' | 'name' | 'path'): string | undefined {
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
  if (scope === 'tool' && !glob.includes('/') && !glob.includes('**')) {
    return `Pattern "${glob}" can never match a "server/tool" name; write "*/${glob}" for every server or "<server>/${glob}"`;
  }
  return undefined;
}
