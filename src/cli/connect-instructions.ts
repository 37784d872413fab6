// What `serve --http` prints at start-up: where it listens and copy-paste commands to connect
// Claude Code and OpenCode, naming the environment variables the tokens come from.
import { fileURLToPath } from 'node:url';
import type { AgentConfig, ResolvedConfig } from '../config/types.js';
import { HTTP_ENTRY, STDIO_ENTRY } from '../setup/gateway-route.js';

/** The launcher next to dist/, so the stdio command works from a clone as well as an install. */
const LAUNCHER = fileURLToPath(new URL('../../bin/mcp-warden.js', import.meta.url));

/** How to write an agent's token in a shell command: the variable, or the dev default itself when that is in use. */
function shellToken(agent: AgentConfig | undefined): string {
  if (!agent?.token) return '<token>';
  return agent.tokenVariable && !agent.tokenIsDefault ? `$${agent.tokenVariable}` : agent.token;
}

export function connectInstructions(config: ResolvedConfig, url: string, environment: string, consoleUrl?: string): string {
  const lines = [`mcp-warden listening on ${url} (environment "${environment}", config ${config.file})`];
  if (consoleUrl) lines.push(`approval console: ${consoleUrl}`);
  lines.push('', 'Agents and their tokens:');
  for (const agent of Object.values(config.agents)) {
    const variable = agent.tokenVariable ? `$${agent.tokenVariable}` : '(token written in the config)';
    const note = agent.tokenIsDefault ? ' — using the default from gateway.yaml; set it to a secret of your own' : '';
    lines.push(`  ${agent.name}: ${agent.token ? variable : '(no token: HTTP front unavailable for this agent)'}${note}`);
  }
  const claude = Object.values(config.agents).find((agent) => agent.name.includes('claude')) ?? Object.values(config.agents)[0];
  const opencode = Object.values(config.agents).find((agent) => agent.name.includes('opencode')) ?? claude;
  if (claude) {
    lines.push(
      '',
      'Claude Code (HTTP):',
      // Two names, as `mcp-warden connect` writes them: a second `claude mcp add` of the same name fails.
      `  claude mcp add --transport http ${HTTP_ENTRY} ${url} --header "Authorization: Bearer ${shellToken(claude)}"`,
      'Claude Code (stdio, one gateway per agent):',
      `  claude mcp add ${STDIO_ENTRY} -- node ${LAUNCHER} serve --config ${config.file} --agent ${claude.name}`,
    );
  }
  if (opencode) {
    lines.push(
      '',
      'OpenCode (opencode.json):',
      JSON.stringify(
        {
          $schema: 'https://opencode.ai/config.json',
          mcp: {
            [HTTP_ENTRY]: {
              type: 'remote',
              url,
              enabled: true,
              headers: { Authorization: `Bearer ${opencode.tokenVariable && !opencode.tokenIsDefault ? `{env:${opencode.tokenVariable}}` : (opencode.token ?? '<token>')}` },
            },
          },
        },
        null,
        2,
      )
        .split('\n')
        .map((line) => `  ${line}`)
        .join('\n'),
    );
  }
  return lines.join('\n');
}
