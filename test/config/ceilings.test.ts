import { expect, test } from 'vitest';
import { errors, load } from './helpers.js';

test('a profile or agent setting a mode above the policy is rejected at the setting', () => {
  expect(errors(`
    policy: { shell: restricted, file_write: create-only, database: readonly }
    profiles:
      builder: { shell: unrestricted, file_write: full }
    agents:
      a: { extends: [builder], database: mutations, shell: restricted, file_write: off }
  `)).toMatchInlineSnapshot(`
    "gateway.yaml:3:21 profiles.builder.shell: Profile "builder" sets shell "unrestricted", above the policy ceiling shell "restricted" (gateway.yaml:1:18); lower it to "restricted" or raise policy.shell
    gateway.yaml:3:47 profiles.builder.file_write: Profile "builder" sets file_write "full", above the policy ceiling file_write "create-only" (gateway.yaml:1:42); lower it to "create-only" or raise policy.file_write
    gateway.yaml:5:38 agents.a.database: Agent "a" sets database "mutations", above the policy ceiling database "readonly" (gateway.yaml:1:65); lower it to "readonly" or raise policy.database"
  `);
});

test('an agent that inherits a mode above the policy from a built-in is rejected at its extends', () => {
  expect(errors(`
    policy: { shell: restricted }
    agents:
      claude-code:
        extends: [developer]
  `)).toMatchInlineSnapshot(`"gateway.yaml:4:14 agents.claude-code.extends: Agent "claude-code" gets shell "unrestricted" from built-in profile "developer", above the policy ceiling shell "restricted" (gateway.yaml:1:18); set shell: restricted on the agent or extend a stricter profile"`);
});

test('an agent that lowers an inherited mode to the cap loads', () => {
  const policy = load(`
    policy: { shell: restricted, file_write: create-only }
    agents:
      claude-code: { extends: [developer], shell: restricted, file_write: create-only }
  `).policyFor('claude-code', 'dev');
  expect(policy.shell).toEqual({ value: 'restricted', source: 'gateway.yaml:3:47' });
});

test('an allow rule inside an ask ceiling, or an allow or ask rule inside a deny ceiling, is rejected', () => {
  expect(errors(`
    policy:
      ceilings: { "shell/*": ask, "*/delete*": deny }
    profiles:
      ops:
        allow: ["shell/run", "fs/delete_file", "**", "fs/*"]
        ask: ["shell/run", "gh/delete_repo"]
    agents:
      a: { extends: [ops], allow: ["SHELL/exec"] }
  `)).toMatchInlineSnapshot(`
    "gateway.yaml:5:13 profiles.ops.allow[0]: Profile "ops" allows "shell/run", which the policy ceiling "shell/*: ask" (gateway.yaml:2:15) caps at ask; move the rule to ask or change the ceiling
    gateway.yaml:5:26 profiles.ops.allow[1]: Profile "ops" allows "fs/delete_file", which the policy ceiling "*/delete*: deny" (gateway.yaml:2:31) forbids; remove the rule or change the ceiling
    gateway.yaml:6:24 profiles.ops.ask[1]: Profile "ops" asks for "gh/delete_repo", which the policy ceiling "*/delete*: deny" (gateway.yaml:2:31) forbids; remove the rule or change the ceiling
    gateway.yaml:8:32 agents.a.allow[0]: Agent "a" allows "SHELL/exec", which the policy ceiling "shell/*: ask" (gateway.yaml:2:15) caps at ask; move the rule to ask or change the ceiling"
  `);
});

test('ceilings are carried into the effective policy for the run-time clamp', () => {
  const policy = load(`
    policy:
      ceilings: { "shell/*": ask, "*/delete*": deny }
    agents:
      a: { extends: [eval] }
  `).policyFor('a', 'dev');
  expect(policy.ceilings).toEqual([
    { pattern: 'shell/*', verdict: 'ask', source: 'gateway.yaml:2:15' },
    { pattern: '*/delete*', verdict: 'deny', source: 'gateway.yaml:2:31' },
  ]);
});

test('policy.servers restricts which servers may be declared', () => {
  expect(errors(`
    servers:
      fs: { command: node }
      gh: { url: "https://example.com/mcp" }
    policy:
      servers: { allow: [gh], local: false }
  `)).toMatchInlineSnapshot(`
    "gateway.yaml:2:3 servers.fs: Server "fs" is not in policy.servers.allow (gateway.yaml:5:21); add it there or remove the server
    gateway.yaml:2:18 servers.fs.command: Server "fs" runs a local program, which policy.servers.local: false (gateway.yaml:5:34) forbids; use a remote "url""
  `);
});
