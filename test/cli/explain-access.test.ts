// `mcp-warden explain --resource URI --server S` and `--prompt server/name`: the same decision as the
// gateway, in the same JSON shape as for tools (decision, reasons[{layer, rule, source, message}]).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { main } from '../../src/cli/main.js';
import { FIXTURES } from '../e2e/harness.js';

const CONFIG = `servers:
  echo:
    command: node
    args: ["${FIXTURES}/echo-server.mjs"]
  files:
    command: node
    args: ["${FIXTURES}/file-resources.mjs"]
agents:
  reader:
    extends: [readonly]
    allow: ["resource:files/file:///srv/**"]
    deny: ["prompt:echo/greet", "resource:files/file:///srv/private/**"]
  outsider:
    allow: ["files/*"]
`;

async function explain(args: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'warden-explain-'));
  writeFileSync(join(dir, 'gateway.yaml'), CONFIG);
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['explain', '--config', join(dir, 'gateway.yaml'), ...args], { out: (t) => void out.push(t), err: (t) => void err.push(t), env: {}, cwd: dir });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test.each([
  [['--agent', 'reader', '--resource', 'fixture://hello', '--server', 'echo'], 'allow', "default: resources follow the server's tools"],
  [['--agent', 'outsider', '--resource', 'fixture://hello', '--server', 'echo'], 'deny', "default: resources follow the server's tools"],
  [['--agent', 'reader', '--resource', 'file:///srv/app/readme.md', '--server', 'files'], 'allow', 'allow: "resource:files/file:///srv/**"'],
  [['--agent', 'reader', '--resource', 'file:///srv/PRIVATE/%6Bey', '--server', 'files'], 'deny', 'deny: "resource:files/file:///srv/private/**"'],
  [['--agent', 'reader', '--resource', 'file:///srv/app/.env', '--server', 'files'], 'deny', 'sensitive path "**/.env"'],
  [['--agent', 'reader', '--resource', 'file:///etc/hosts', '--server', 'files'], 'deny', 'default: deny'],
  [['--agent', 'reader', '--prompt', 'echo/Greet'], 'deny', 'deny: "prompt:echo/greet"'],
  [['--agent', 'outsider', '--prompt', 'echo/greet'], 'deny', "default: prompts follow the server's tools"],
])('explain %j --json → %s by %s', async (args, decision, rule) => {
  const result = await explain([...args, '--json']);
  expect(result.code).toBe(0);
  const parsed = JSON.parse(result.out) as { decision: string; reasons: Array<{ rule: string }> };
  expect(parsed.decision).toBe(decision);
  for (const reason of parsed.reasons) expect(Object.keys(reason).sort()).toEqual(['decision', 'layer', 'message', 'rule', 'source']);
  expect(parsed.reasons.map((r) => r.rule)).toContain(rule);
});

test('explain names the subject and the rule in text', async () => {
  const result = await explain(['--agent', 'reader', '--prompt', 'echo/greet']);
  expect(result.out).toContain('DENY: agent "reader" using "prompt:echo/greet" in environment "dev"');
  expect(result.out).toMatch(/rule deny: "prompt:echo\/greet" at .*gateway\.yaml:12:\d+/);
});

test.each([
  [['--agent', 'reader', '--resource', 'fixture://hello'], 'Missing required option "--server"'],
  [['--agent', 'reader', '--tool', 'echo/echo', '--prompt', 'echo/greet'], 'Give exactly one of'],
  [['--agent', 'reader', '--prompt', 'greet'], 'must be written "server/name"'],
  [['--agent', 'nobody', '--prompt', 'echo/greet'], 'Unknown agent "nobody"'],
])('explain with bad input %j exits 1', async (args, message) => {
  const result = await explain(args);
  expect(result.code).toBe(1);
  expect(result.err).toContain(message);
});
