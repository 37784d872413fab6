// `mcp-warden status`: the gateways this user runs (stdio and HTTP), their consoles with a link that
// logs a browser in, the calls waiting for approval, and each upstream's state. With `--config` (or
// $MCP_WARDEN_CONFIG) naming a config whose store is postgres: every replica on that store, with its
// sessions.
import { loadConfig } from '../config/index.js';
import { openStore } from '../store/open-store.js';
import { gatherStatus } from '../status/status-report.js';
import { formatStatus } from '../status/status-text.js';
import type { Io } from './io.js';

export interface StatusOptions {
  stateDir?: string;
  json?: boolean;
  config?: string;
}

export async function runStatus(values: StatusOptions, io: Io): Promise<number> {
  const stateDir = values.stateDir ?? io.env.MCP_WARDEN_STATE_DIR;
  const file = values.config ?? io.env.MCP_WARDEN_CONFIG;
  const config = file ? await loadConfig({ file, env: io.env, cwd: io.cwd }) : undefined;
  let report;
  if (config?.store.kind === 'postgres') {
    const store = await openStore(config.store);
    try {
      // A token that cannot be read only costs the links their login; the rest is still worth showing.
      const token = await store.consoleToken?.().catch(() => undefined);
      report = await gatherStatus({ ...(stateDir ? { stateDir } : {}), registry: store.gateways!, store: store.tickets, ...(token ? { token } : {}), shared: config.file });
    } finally {
      await store.close();
    }
  } else {
    report = await gatherStatus(stateDir ? { stateDir } : {});
  }
  io.out(values.json ? JSON.stringify(report, null, 2) : formatStatus(report, Date.now()));
  return 0;
}
