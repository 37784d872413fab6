import { expect, test } from 'vitest';
import { expandString } from '../../src/config/expand-env.js';
import { load } from './helpers.js';

test.each([
  ['plain text', {}, 'plain text'],
  ['${A}', { A: 'x' }, 'x'],
  ['pre-${A}-post', { A: 'x' }, 'pre-x-post'],
  ['${A:-fallback}', {}, 'fallback'],
  ['${A:-fallback}', { A: '' }, 'fallback'],
  ['${A:-fallback}', { A: 'set' }, 'set'],
  ['${A}', { A: '' }, ''],
  ['${A:-}', {}, ''],
  ['$${A}', { A: 'x' }, '${A}'],
  ['cost $5', {}, 'cost $5'],
  ['${A}${B}', { A: '1', B: '2' }, '12'],
  ['${A:-a:b-c}', {}, 'a:b-c'],
])('expands %j', (text, env, expected) => {
  expect(expandString(text, env)).toEqual({ value: expected, problems: [] });
});

test.each([
  ['${MISSING}', 'Environment variable "MISSING" is not set; set it or write "${MISSING:-default}" to give a default'],
  ['${1BAD}', 'Invalid variable reference "${1BAD}"; write "${NAME}" or "${NAME:-default}"'],
  ['${}', 'Invalid variable reference "${}"; write "${NAME}" or "${NAME:-default}"'],
  ['${OPEN', 'Unclosed "${" in "${OPEN"; close it with "}" or write "$${" for a literal "${"'],
])('rejects %j', (text, problem) => {
  expect(expandString(text, {}).problems).toEqual([problem]);
});

test('variables are expanded before validation, in every string value', () => {
  const config = load(
    `
    servers:
      gh:
        url: \${GH_URL:-https://example.com/mcp}
        headers: { Authorization: "Bearer \${GH_TOKEN}" }
        timeout: \${GH_TIMEOUT:-45s}
    agents:
      a: { token: "\${A_TOKEN}", allow: ["\${SERVER:-gh}/*"] }
  `,
    { GH_TOKEN: 'secret', A_TOKEN: 'token-a' },
  );
  expect(config.servers.gh).toMatchObject({ url: 'https://example.com/mcp', headers: { Authorization: 'Bearer secret' }, timeoutMs: 45_000 });
  expect(config.agents.a!.token).toBe('token-a');
  expect(config.policyFor('a', 'dev').allow[0]!.pattern).toBe('gh/*');
});
