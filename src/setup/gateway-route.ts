// The entry connect adds to a client: how that client reaches the gateway, over stdio or HTTP.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Distinct names, so a client can hold both an HTTP and a stdio route. */
export const HTTP_ENTRY = 'warden';
export const STDIO_ENTRY = 'warden-stdio';

export interface GatewayRoute {
  name: string;
  stdio?: { command: string; args: string[] };
  http?: { url: string; tokenVariable: string };
}

/** The launcher next to dist/ (this file is bundled into dist/bundle/, or run from src/setup/ in tests). */
const LAUNCHER = fileURLToPath(new URL('../../bin/mcp-warden.js', import.meta.url));

/** The stdio route: `mcp-warden serve …`, or node and this launcher's absolute path when mcp-warden is not on PATH. */
export function stdioRoute(config: string, agent: string, path: string | undefined): GatewayRoute {
  const serve = ['serve', '--config', config, '--agent', agent];
  const onPath = (path ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, 'mcp-warden')));
  return { name: STDIO_ENTRY, stdio: onPath ? { command: 'mcp-warden', args: serve } : { command: process.execPath, args: [LAUNCHER, ...serve] } };
}

export function httpRoute(url: string, tokenVariable: string): GatewayRoute {
  return { name: HTTP_ENTRY, http: { url, tokenVariable } };
}
