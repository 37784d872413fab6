// `mcp-warden status`: the gateways this user runs (stdio and HTTP), their consoles with a link that
// logs a browser in, the calls waiting for approval, and each upstream's state.
import { gatherStatus } from '../status/status-report.js';
import { formatStatus } from '../status/status-text.js';
import type { Io } from './io.js';

export interface StatusOptions {
  stateDir?: string;
  json?: boolean;
}

export async function runStatus(values: StatusOptions, io: Io): Promise<number> {
  const stateDir = values.stateDir ?? io.env.MCP_WARDEN_STATE_DIR;
  const report = await gatherStatus(stateDir ? { stateDir } : {});
  io.out(values.json ? JSON.stringify(report, null, 2) : formatStatus(report, Date.now()));
  return 0;
}
