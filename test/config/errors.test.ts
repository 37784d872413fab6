import { expect, test } from 'vitest';
import { errors, failure } from './helpers.js';

test('malformed YAML is located', () => {
  expect(errors(`
    servers:
      fs:
        command: node
       args: [x]
  `)).toMatchInlineSnapshot(`"gateway.yaml:4:1 servers: All mapping items must start at the same column"`);
});

test('an unclosed flow sequence is located', () => {
  expect(errors(`
    agents:
      a: { allow: [fs/read }
  `)).toMatchInlineSnapshot(`
    "gateway.yaml:2:24 agents.a.allow: Flow sequence in block collection must be sufficiently indented and end with a ]
    gateway.yaml:2:25 Flow map in block collection must be sufficiently indented and end with a }"
  `);
});

test('a wrong type names what was expected and what was found', () => {
  expect(errors(`
    agents:
      a:
        allow: fs/read
        bash_only: yes
  `)).toMatchInlineSnapshot(`
    "gateway.yaml:3:12 agents.a.allow: Expected a list, got "fs/read"
    gateway.yaml:4:16 agents.a.bash_only: Expected true or false, got "yes""
  `);
});

test('an unknown key is located at the key, with a suggestion', () => {
  expect(errors(`
    profiles:
      developer:
        alow: ["fs/*"]
    agents:
      a: { extends: [developer], tokn: x }
    polcy: {}
  `)).toMatchInlineSnapshot(`
    "gateway.yaml:3:5 profiles.developer.alow: Unknown key "alow"; did you mean "allow"?
    gateway.yaml:5:30 agents.a.tokn: Unknown key "tokn"; did you mean "token"?
    gateway.yaml:6:1 polcy: Unknown key "polcy"; did you mean "policy"?"
  `);
});

test('an unknown key without a close match lists the allowed keys', () => {
  expect(errors(`
    audit: { destination: x }
  `)).toMatchInlineSnapshot(`"gateway.yaml:1:10 audit.destination: Unknown key "destination"; allowed keys are "path", "fsync" and "required""`);
});

test('a bad enum value gets a suggestion', () => {
  expect(errors(`
    profiles:
      p: { shell: unrestrcted }
  `)).toMatchInlineSnapshot(`"gateway.yaml:2:15 profiles.p.shell: Invalid value "unrestrcted"; expected one of "restricted", "unrestricted"; did you mean "unrestricted"?"`);
});

test('a cycle names its path', () => {
  expect(errors(`
    profiles:
      a: { extends: [b] }
      b: { extends: [c] }
      c: { extends: [a] }
      self: { extends: [self] }
  `)).toMatchInlineSnapshot(`
    "gateway.yaml:4:18 profiles.c.extends[0]: Profile "c" extends "a", which closes the cycle "a -> b -> c -> a"; remove one of these extends
    gateway.yaml:5:21 profiles.self.extends[0]: Profile "self" extends "self", which closes the cycle "self -> self"; remove one of these extends"
  `);
});

test('an unknown profile gets a did-you-mean suggestion', () => {
  expect(errors(`
    profiles:
      reviewer: { extends: [readonyl] }
    agents:
      a: { extends: [developr] }
      b: { extends: [nothing-like-it] }
  `)).toMatchInlineSnapshot(`
    "gateway.yaml:2:25 profiles.reviewer.extends[0]: Unknown profile "readonyl"; did you mean "readonly"?
    gateway.yaml:4:18 agents.a.extends[0]: Unknown profile "developr"; did you mean "developer"?
    gateway.yaml:5:18 agents.b.extends[0]: Unknown profile "nothing-like-it"; the profiles are "readonly", "developer", "eval", "developer-bash-only" and "reviewer""
  `);
});

test('an unknown agent in an environment is located at the list item', () => {
  expect(errors(`
    agents:
      claude-code: {}
    environments:
      prod: { agents: [claude-cod] }
  `)).toMatchInlineSnapshot(`"gateway.yaml:4:20 environments.prod.agents[0]: Environment "prod" lists unknown agent "claude-cod"; did you mean "claude-code"?"`);
});

test('bad globs are rejected with the reason', () => {
  expect(errors(`
    agents:
      a:
        allow: ["fs/[", "", "run_command", "fs/{a,b"]
        deny: ["!fs/read_file"]
    servers:
      fs: { command: node, readonly: ["!read_*"] }
    policy:
      ceilings: { "shell/(": deny }
  `)).toMatchInlineSnapshot(`
    "gateway.yaml:3:13 agents.a.allow[0]: Pattern "fs/[" is not a valid glob: Missing closing: "]" - use "\\\\]" to match literal characters
    gateway.yaml:3:21 agents.a.allow[1]: Empty pattern; write a glob such as "fs/read_*"
    gateway.yaml:3:25 agents.a.allow[2]: Pattern "run_command" can never match a "server/tool" name; write "*/run_command" for every server or "<server>/run_command"
    gateway.yaml:3:40 agents.a.allow[3]: Pattern "fs/{a,b" is not a valid glob: Missing closing: "}" - use "\\\\}" to match literal characters
    gateway.yaml:4:12 agents.a.deny[0]: Pattern "!fs/read_file" starts with "!"; negation is not supported, put the pattern in deny instead
    gateway.yaml:6:35 servers.fs.readonly[0]: Pattern "!read_*" starts with "!"; negation is not supported, put the pattern in deny instead
    gateway.yaml:8:15 policy.ceilings["shell/("]: Pattern "shell/(" is not a valid glob: Missing closing: ")" - use "\\\\)" to match literal characters"
  `);
});

test('unsafe and broken regex dangerous patterns are rejected', () => {
  expect(errors(`
    agents:
      a:
        approval:
          dangerous_patterns:
            - "/(a+)+$/"
            - "/(a|aa)*b/"
            - "/(x)\\\\1/"
            - "/[unclosed/"
            - "/rm -rf/g"
            - "/.*a.*b.*c/"
            - "/rm\\\\s+-rf/i"
            - ""
  `)).toMatchInlineSnapshot(`
    "gateway.yaml:5:11 agents.a.approval.dangerous_patterns[0]: Regex "/(a+)+$/" is refused because it repeats a group that holds a quantifier or an alternation; simplify it or write a literal phrase
    gateway.yaml:6:11 agents.a.approval.dangerous_patterns[1]: Regex "/(a|aa)*b/" is refused because it repeats a group that holds a quantifier or an alternation; simplify it or write a literal phrase
    gateway.yaml:7:11 agents.a.approval.dangerous_patterns[2]: Regex "/(x)\\1/" is refused because it uses a backreference; simplify it or write a literal phrase
    gateway.yaml:8:11 agents.a.approval.dangerous_patterns[3]: Regex "/[unclosed/" is refused because it does not compile: Invalid regular expression: /[unclosed/: Unterminated character class; simplify it or write a literal phrase
    gateway.yaml:9:11 agents.a.approval.dangerous_patterns[4]: Regex "/rm -rf/g" is refused because flags "g" are not supported (use i, m, s or u); simplify it or write a literal phrase
    gateway.yaml:10:11 agents.a.approval.dangerous_patterns[5]: Regex "/.*a.*b.*c/" is refused because it has 3 unbounded repeats that can overlap, which can take polynomial time on long arguments; simplify it or write a literal phrase
    gateway.yaml:12:11 agents.a.approval.dangerous_patterns[7]: Empty dangerous pattern; write a phrase such as "rm -rf" or a "/regex/""
  `);
});

test('a missing environment variable is named and located', () => {
  expect(errors(`
    servers:
      gh:
        url: https://example.com/mcp
        headers: { Authorization: "Bearer \${GITHUB_TOKEN}" }
    agents:
      a: { token: "\${A_TOKEN" }
  `)).toMatchInlineSnapshot(`
    "gateway.yaml:4:31 servers.gh.headers.Authorization: Environment variable "GITHUB_TOKEN" is not set; set it or write "\${GITHUB_TOKEN:-default}" to give a default
    gateway.yaml:6:15 agents.a.token: Unclosed "\${" in "\${A_TOKEN"; close it with "}" or write "$\${" for a literal "\${""
  `);
});

test('duplicate keys are located', () => {
  expect(errors(`
    agents:
      a: { extends: [readonly] }
      a: { extends: [developer] }
  `)).toMatchInlineSnapshot(`"gateway.yaml:3:3 agents.a: Duplicate key "a"; each key may appear once in a mapping"`);
});

test('every problem in a file is reported together, in file order', () => {
  const error = failure(`
    servers:
      fs: { command: node, kind: filesystm }
    profiles:
      dev: { extends: [dev] }
    agents:
      a: { extends: [devv], allow: ["!x/y"] }
    environments:
      prod: { agents: [b] }
    default_environment: production
  `);
  expect(error.code).toBe('CONFIG_INVALID');
  expect(error.issues.map((issue) => `${issue.line}:${issue.column} ${issue.path}`)).toMatchInlineSnapshot(`
    [
      "2:30 servers.fs.kind",
      "4:20 profiles.dev.extends[0]",
      "6:18 agents.a.extends[0]",
      "6:33 agents.a.allow[0]",
      "8:20 environments.prod.agents[0]",
      "9:22 default_environment",
    ]
  `);
  expect(error.message.split('\n')).toHaveLength(error.issues.length);
});

test('bad durations, sizes, URLs and names are explained', () => {
  expect(errors(`
    servers:
      my.server: { command: node }
      gh: { url: "ftp://example.com", timeout: 30 seconds }
    http: { max_body: 4 MB }
    approval: { timeout: 2 }
  `)).toMatchInlineSnapshot(`
    "gateway.yaml:2:3 servers["my.server"]: Invalid server id "my.server"; use letters, digits, "-" and "_", starting with a letter or digit
    gateway.yaml:3:14 servers.gh.url: Invalid URL "ftp://example.com"; write an http:// or https:// address
    gateway.yaml:3:44 servers.gh.timeout: Invalid duration "30 seconds"; write a whole number with ms, s, m or h, like "500ms", "30s" or "2m"
    gateway.yaml:4:19 http.max_body: Invalid size "4 MB"; write a whole number with b, kb, mb or gb, like "4mb"
    gateway.yaml:5:22 approval.timeout: Expected a string, got number 2"
  `);
});

test('server shape problems are explained', () => {
  expect(errors(`
    servers:
      none: { kind: generic }
      both: { command: node, url: "https://example.com" }
      remote: { url: "https://example.com", args: [x], transport: stdio }
      local: { command: node, headers: { A: b }, dialect: mysql }
  `)).toMatchInlineSnapshot(`
    "gateway.yaml:2:3 servers.none: Server "none" needs "command" (a local program) or "url" (a remote server)
    gateway.yaml:3:31 servers.both.url: Server "both" has both "command" and "url"; keep one
    gateway.yaml:4:41 servers.remote.args: "args" only applies to stdio servers (with "command"); remove it from server "remote"
    gateway.yaml:4:63 servers.remote.transport: Server "remote" has transport "stdio" but a stdio server needs a "command"; fix the transport or remove it
    gateway.yaml:5:27 servers.local.headers: "headers" only applies to remote servers (with "url"); remove it from server "local"
    gateway.yaml:5:46 servers.local.dialect: "dialect" only applies to kind database; set kind: database on server "local" or remove it"
  `);
});

test('an empty file or a list at the top is rejected', () => {
  expect(errors('# nothing here\n')).toMatchInlineSnapshot(`"gateway.yaml:1:1 The config file is empty; define servers and agents (see examples/)"`);
  expect(errors('- a\n- b\n')).toMatchInlineSnapshot(`"gateway.yaml:1:1 Expected a mapping of sections (servers, profiles, agents, ...) at the top of the file"`);
});

test('webhook channel needs a webhook, tokens must differ, passthrough needs one server', () => {
  expect(errors(`
    servers:
      a: { command: node }
      b: { command: node }
    tool_names: passthrough
    agents:
      x: { token: same }
      y: { token: same }
    approval: { channels: [console, webhook] }
  `)).toMatchInlineSnapshot(`
    "gateway.yaml:4:13 tool_names: "passthrough" tool names need exactly one server, but the config has 2; use "prefixed"
    gateway.yaml:7:15 agents.y.token: Agents "x" and "y" have the same token; give each agent its own
    gateway.yaml:8:33 approval.channels[1]: Channel "webhook" needs a webhook url; add approval.webhook.url (or a webhook on an environment or agent)"
  `);
});
