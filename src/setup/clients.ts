// Which reader serves which `--from` value.
import { readClaudeCode } from './claude-code.js';
import { CLIENTS, type ClientName, type ClientServer, type Places } from './client-server.js';
import { readClaudeDesktop, readCursor } from './mcp-json-clients.js';
import { readOpencode } from './opencode.js';
import { readVscode } from './vscode.js';

const READERS: Record<ClientName, (places: Places) => ClientServer[]> = {
  'claude-code': readClaudeCode,
  opencode: readOpencode,
  'claude-desktop': readClaudeDesktop,
  cursor: readCursor,
  vscode: readVscode,
};

/** Every server entry the named clients (or all of them) have configured for `places`. */
export function readClients(from: ClientName | 'all', places: Places): ClientServer[] {
  return (from === 'all' ? CLIENTS : [from]).flatMap((client) => READERS[client](places));
}
