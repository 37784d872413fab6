// The gateway.yaml every benchmark runs mcp-warden on: server-everything and server-filesystem,
// started eagerly, a profile with allow, ask and deny rules, dangerous patterns and audit on, so the
// figures are those of a gateway doing its whole job on each call.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const EVERYTHING = join(ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const FILESYSTEM = join(ROOT, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');

/** The bench config for a gateway whose filesystem server sees `dir`, auditing to `auditFile` (`extra` goes into its audit section). */
export function benchConfig(dir: string, auditFile: string, extra = ''): string {
  return `
servers:
  everything:
    command: node
    args: ["${EVERYTHING}", "stdio"]
    readonly: [echo, get-sum]
    startup: eager
  fs:
    command: node
    args: ["${FILESYSTEM}", "${dir}"]
    kind: filesystem
    startup: eager
profiles:
  bench:
    allow: ["everything/*", "fs/read_*", "fs/list_*"]
    ask: ["everything/trigger-*"]
    deny: ["*/delete*", "*/write*", "fs/move_file"]
    approval:
      mode: dangerous
      dangerous_patterns: ["rm -rf", "DROP TABLE", "/curl\\\\s+.*\\\\|\\\\s*sh/"]
agents:
  bench:
    extends: [bench]
    token: bench-token
environments:
  bench: { safety: standard, audit: true }
default_environment: bench
audit: { path: "${auditFile}"${extra} }
`;
}
