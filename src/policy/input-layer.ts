// README "How a call is decided" (before the layers): a question names a configured server and a strictly valid tool name,
// or it is refused before any rule is looked at.
import type { Reason } from './types.js';
import type { CompiledPolicy, CompiledServer } from './compile.js';
import { invalidServerId, invalidToolName, quoteName } from './tool-name.js';

/** The configured server for a strictly valid name, or the reason to refuse it. */
export function checkInput(compiled: CompiledPolicy, name: { server: unknown; tool: unknown } | null | undefined): CompiledServer | Reason {
  const server = name?.server;
  const tool = name?.tool;
  const bad = invalidServerId(server) ?? invalidToolName(tool);
  if (bad !== undefined) {
    return {
      layer: 'input',
      decision: 'deny',
      rule: 'valid tool name',
      source: 'default',
      message: `The tool name ${quoteName(`${String(server)}/${String(tool)}`)} is not valid: ${bad}`,
    };
  }
  const found = compiled.servers.get(server as string);
  if (found) return found;
  return {
    layer: 'input',
    decision: 'deny',
    rule: 'configured servers',
    source: 'default',
    message: `Server ${quoteName(server)} is not configured`,
  };
}
