// `mcp-warden pin`: starts every configured upstream, lists what each shows the model (tools, prompts,
// resource templates, instructions) and writes gateway.lock, printing what was added, changed (with
// the diff) and removed. `--check` writes nothing and exits 1 on any drift, for CI. Fail closed: a
// server that cannot be listed is an error in both modes, and `pin` then writes nothing, so a server
// that happens to be down never drops out of the lockfile.
import { WardenError, isWardenError } from '../errors.js';
import { displayPath, didYouMean, quoteList } from '../config/index.js';
import { createUpstream } from '../upstream/index.js';
import { comparePins, serverPinsOf, type ListedServer } from '../pinning/compare.js';
import { listServer } from '../pinning/list-server.js';
import { lockfilePathFor, readLockfile, writeLockfile, type Lockfile } from '../pinning/lockfile.js';
import { nullRecord } from '../pinning/server-pins.js';
import type { ServerPins } from '../pinning/types.js';
import type { ConfigOptions } from './args.js';
import { loadContext } from './context.js';
import { formatPinReport, pinReportJson, serverReport, type ServerReport } from './pin-report.js';
import type { Io } from './io.js';

export interface PinOptions extends ConfigOptions {
  check?: boolean;
  lockfile?: string;
  server?: string[];
  json?: boolean;
}

export async function runPin(values: PinOptions, io: Io): Promise<number> {
  const { config, environment } = await loadContext(io, values);
  const file = lockfilePathFor(config.file, values.lockfile, io.cwd);
  const shown = displayPath(file, io.cwd);
  const known = Object.keys(config.servers);
  for (const server of values.server ?? []) {
    if (!known.includes(server)) throw new WardenError('BAD_INPUT', `Unknown server "${server}"${didYouMean(server, known) || `; the config defines ${quoteList(known)}`}`);
  }
  const chosen = values.server?.length ? known.filter((server) => values.server!.includes(server)) : known;
  const existing = await readExisting(file, shown, values.check === true, io);
  const extraEnv = { ...config.environments[environment]?.env };

  const listings = await Promise.all(
    chosen.map(async (server): Promise<[string, ListedServer | Error]> => {
      // Stderr lines are dropped: a start failure's message already quotes the ones that explain it.
      const upstream = createUpstream(config.servers[server]!, { extraEnv, stderr: () => {} });
      try {
        return [server, await listServer(upstream)];
      } catch (error) {
        return [server, error instanceof Error ? error : new Error(String(error))];
      } finally {
        await upstream.close();
      }
    }),
  );

  const reports: ServerReport[] = listings.map(([server, listed]) =>
    listed instanceof Error ? { server, error: listed.message, statuses: [] } : serverReport(server, comparePins(existing?.servers[server], listed)),
  );
  // Servers the lockfile pins that the config no longer has (only when every server was listed).
  const gone = values.server?.length ? [] : Object.keys(existing?.servers ?? {}).filter((server) => !known.includes(server));
  const failed = reports.some((report) => report.error !== undefined);
  const drift = !existing || gone.length > 0 || reports.some((report) => report.statuses.some((status) => status.state !== 'pinned'));

  let written = false;
  if (!values.check && !failed) {
    const servers = nullRecord<ServerPins>();
    for (const [server, pins] of Object.entries(existing?.servers ?? {})) if (!gone.includes(server)) servers[server] = pins;
    for (const [server, listed] of listings) if (!(listed instanceof Error)) servers[server] = serverPinsOf(listed);
    const lock: Lockfile = { servers };
    await writeLockfile(file, lock);
    written = true;
  }

  const summary = { lockfile: shown, check: values.check === true, exists: existing !== undefined, written, drift, gone, reports };
  if (values.json) io.out(JSON.stringify(pinReportJson(summary), null, 2));
  else io.out(formatPinReport(summary));
  if (failed) {
    const count = reports.filter((report) => report.error !== undefined).length;
    io.err(`mcp-warden: ${count} server${count === 1 ? '' : 's'} could not be listed; ${values.check ? 'the check fails' : `nothing was written to ${shown}`} (fail closed)`);
    return 1;
  }
  if (values.check && drift) {
    io.err(existing ? `mcp-warden: the servers drifted from ${shown}; review the diff, then run "mcp-warden pin" and commit ${shown}` : `mcp-warden: no lockfile at ${shown}; run "mcp-warden pin" and commit it`);
    return 1;
  }
  return 0;
}

/**
 * The lockfile as it is. For `--check` a malformed or tampered one is the error it is; `pin` replaces
 * it with what the servers list now (the diff in version control shows what that changed), after
 * saying why on stderr.
 */
async function readExisting(file: string, shown: string, check: boolean, io: Io): Promise<Lockfile | undefined> {
  try {
    return await readLockfile(file, shown);
  } catch (error) {
    if (check || !isWardenError(error) || error.code !== 'CONFIG_INVALID') throw error;
    io.err(`mcp-warden: ${shown} is invalid and will be written anew from the servers; review its diff before committing it:\n${error.message}`);
    return undefined;
  }
}
