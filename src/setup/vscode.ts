// VS Code: `.vscode/mcp.json` in the project, key `servers`; `${env:VAR}` and `${input:id}` references.
import { join } from 'node:path';
import { type ClientServer, entriesAt, type Places } from './client-server.js';
import { readJsoncFile } from './jsonc.js';

export function readVscode(places: Places): ClientServer[] {
  const file = join(places.cwd, '.vscode', 'mcp.json');
  return entriesAt({ client: 'vscode', file, scope: 'project' }, readJsoncFile(file), ['servers']);
}
