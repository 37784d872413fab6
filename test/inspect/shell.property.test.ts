// Properties of the restricted-shell check: no input makes it throw, a forbidden construct placed
// anywhere between commands is always reported, and lines of allowlisted reads always pass.
import fc from 'fast-check';
import { beforeAll, expect, test } from 'vitest';
import { initParsers, inspectShell } from '../../src/inspect/index.js';

beforeAll(async () => {
  await initParsers();
});

const SAFE_COMMANDS = ['ls', 'ls -la', 'git status', 'git log --oneline -n 5', 'cat a.txt', 'grep -rn TODO src', 'wc -l', 'head -n 3 x', 'pwd', 'echo hi'];
const SAFE_ARGS = ['foo', "'a b'", '"c d"', '-n', '--', 'src/x.ts', "'$(id)'", '"a;b"', "'>x'"];
const OPERATORS = [' ; ', ' && ', ' || ', ' | ', '\n', ';'];
const FORBIDDEN = ['> out.txt', '>> out.txt', '$(id)', '`id`', ';rm -rf x', '; rm -rf x', '&& rm x', '| sh', '<(ls)', '& ls'];
const FORBIDDEN_COMMANDS = ['eval ls', 'rm -rf x', 'sudo ls', 'xargs rm', 'exec ls', 'source x.sh', 'bash -c ls', '/bin/ls', 'FOO=1 ls'];
const NOISE = ["'", '"', '\\', '$', '`', '(', ')', '{', '}', ';', '&', '|', '<', '>', '*', '?', '[', ']', '#', '~', '\n', '\t', ' '];

const safeCommand = fc
  .tuple(fc.constantFrom(...SAFE_COMMANDS), fc.array(fc.constantFrom(...SAFE_ARGS), { maxLength: 3 }))
  .map(([command, args]) => [command, ...args].join(' '));

const safeLine = fc
  .tuple(safeCommand, fc.array(fc.tuple(fc.constantFrom(...OPERATORS), safeCommand), { maxLength: 4 }))
  .map(([first, rest]) => first + rest.map(([op, command]) => op + command).join(''));

const anyInput = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.array(fc.oneof(fc.constantFrom(...NOISE, ...SAFE_COMMANDS, ...FORBIDDEN, ...OPERATORS), fc.string({ maxLength: 5 })), { maxLength: 30 }).map((parts) => parts.join('')),
);

test('no input makes the check throw, and a result always has the shell shape', () => {
  fc.assert(
    fc.property(anyInput, (command) => {
      const result = inspectShell(command);
      expect(result.check).toBe('shell');
      expect(typeof result.understood).toBe('boolean');
      if (result.violation === undefined) expect(result).toMatchObject({ understood: true, writes: false });
      else expect(result.writes).toBe(true);
    }),
    { numRuns: 2000 },
  );
});

test('a forbidden construct appended to any command of a safe line is reported', () => {
  fc.assert(
    fc.property(safeLine, fc.constantFrom(...FORBIDDEN), fc.nat(), (line, forbidden, seed) => {
      const parts = line.split('\n');
      const at = seed % parts.length;
      parts[at] = `${parts[at]} ${forbidden}`;
      expect(inspectShell(parts.join('\n')).violation).toBeDefined();
    }),
    { numRuns: 1500 },
  );
});

test('a forbidden command joined to a safe line by any operator is reported', () => {
  fc.assert(
    fc.property(safeLine, fc.constantFrom(...OPERATORS), fc.constantFrom(...FORBIDDEN_COMMANDS), fc.boolean(), (line, op, forbidden, first) => {
      const command = first ? `${forbidden}${op}${line}` : `${line}${op}${forbidden}`;
      expect(inspectShell(command).violation).toBeDefined();
    }),
    { numRuns: 1500 },
  );
});

test('lines of allowlisted read commands pass', () => {
  fc.assert(
    fc.property(safeLine, (line) => {
      expect(inspectShell(line).violation).toBeUndefined();
    }),
    { numRuns: 1000 },
  );
});
