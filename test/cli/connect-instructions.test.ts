// The copy-paste commands `serve --http` prints: each route gets its own entry name, the same names
// `mcp-warden connect` writes, so pasting both `claude mcp add` lines works.
import { expect, test } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { connectInstructions } from '../../src/cli/connect-instructions.js';

const CONFIG = `
servers:
  echo: { command: node, args: [echo.js] }
agents:
  claude-code:
    extends: [readonly]
    token: \${CLAUDE_TOKEN:-dev-token}
`;

test('the HTTP route is "warden" and the stdio route "warden-stdio", so both can be added', () => {
  const config = parseConfig(CONFIG, { file: '/home/u/warden/gateway.yaml', cwd: '/home/u/warden', env: { CLAUDE_TOKEN: 's3cret' } });
  const text = connectInstructions(config, 'http://127.0.0.1:8787/mcp', 'dev');
  const adds = text.split('\n').filter((line) => line.trimStart().startsWith('claude mcp add'));
  expect(adds).toEqual([
    '  claude mcp add --transport http warden http://127.0.0.1:8787/mcp --header "Authorization: Bearer $CLAUDE_TOKEN"',
    expect.stringMatching(/^ {2}claude mcp add warden-stdio -- node \S+\/bin\/mcp-warden\.js serve --config \/home\/u\/warden\/gateway\.yaml --agent claude-code$/),
  ]);
  // OpenCode's remote entry is the HTTP route, under the same name.
  expect(text).toMatch(/"warden": {\n\s+"type": "remote"/);
});
