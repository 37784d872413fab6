// Each client writes environment references its own way; the gateway reads `${VAR}`. These rewrite
// a client's references into ours so an imported value means the same thing behind the gateway.
import type { ClientName } from './client-server.js';

/** `text` with the client's variable references rewritten as `${VAR}`; `${workspaceFolder}` becomes `cwd`. */
export function toGatewayReferences(text: string, client: ClientName, cwd: string): string {
  let out = text;
  if (client === 'opencode') out = out.replace(/\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g, '$${$1}');
  out = out.replace(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g, '$${$1}');
  // VS Code prompts for `${input:id}`; the gateway cannot prompt, so it reads a variable of that name.
  out = out.replace(/\$\{input:([A-Za-z0-9_.-]+)\}/g, (_, id: string) => `\${${variableName(id)}}`);
  out = out.replace(/\$\{workspaceFolder\}/g, cwd);
  return out;
}

/** An environment variable name made from any text: upper case, other characters as `_`. */
export function variableName(text: string): string {
  const name = text.toUpperCase().replace(/[^A-Z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  return /^[A-Z_]/.test(name) ? name : `_${name}`;
}

/** The variable names a `${VAR}` / `${VAR:-default}` string refers to. */
export function referencedVariables(text: string): string[] {
  return [...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}/g)].map((match) => match[1]!);
}
