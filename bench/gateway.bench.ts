// `npm run bench`: latency and throughput of an echo tool call, in one interleaved run, for
//   direct (client → server-everything over stdio),
//   a bare byte relay over stdio (the floor for any stdio proxy: one more process, no parsing),
//   mcp-warden over stdio, mcp-warden over HTTP (policy and audit on),
//   supergateway --stateful over HTTP,
// at concurrency 1 and 32, plus each proxy's CPU time per call and the gateways' RSS, and the cost of
// the argument check on the echo tool's own schema (bench/argument-check.ts). A benchmark,
// not a test: it prints figures and ratios against the goals; it never fails on them.
// For A/B runs, interleaved with the rest: BENCH_BASELINE=DIR adds mcp-warden as built in DIR (another
// checkout, e.g. before a change) over stdio and HTTP; BENCH_FSYNC=1 adds this build with audit.fsync.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { measureArgumentCheck } from './argument-check.js';
import { EVERYTHING, benchConfig } from './bench-config.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));


const BIN = join(ROOT, 'bin/mcp-warden.js');
const SUPERGATEWAY = join(ROOT, 'node_modules/supergateway/dist/index.js');
const RELAY = join(ROOT, 'bench/bare-relay.mjs');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CALLS_C1 = Number(process.env.BENCH_CALLS ?? 300);
const CALLS_C32 = CALLS_C1 * 4;
const BASELINE_BIN = process.env.BENCH_BASELINE ? join(process.env.BENCH_BASELINE, 'bin/mcp-warden.js') : undefined;
const WITH_FSYNC = process.env.BENCH_FSYNC === '1';

interface Target {
  name: string;
  client: Client;
  tool: string;
  pid?: () => number | undefined;
  close(): Promise<void>;
}

const dir = mkdtempSync(join(tmpdir(), 'warden-bench-'));
const configFile = join(dir, 'gateway.yaml');
writeFileSync(configFile, benchConfig(dir, join(dir, 'audit.jsonl')));
// Each variant audits to its own file, as separate gateways usually do.
const baselineConfig = join(dir, 'gateway-baseline.yaml');
writeFileSync(baselineConfig, benchConfig(dir, join(dir, 'audit-baseline.jsonl')));
const fsyncConfig = join(dir, 'gateway-fsync.yaml');
writeFileSync(fsyncConfig, benchConfig(dir, join(dir, 'audit-fsync.jsonl'), ', fsync: true'));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(child: ChildProcess, pattern: RegExp, stream: 'stdout' | 'stderr'): Promise<string> {
  let seen = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}:\n${seen}`)), 30_000);
    const source = child[stream]!;
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const match = pattern.exec(seen);
      if (match) {
        clearTimeout(timer);
        // From here on the stream (the gateway's decision log: a line per call) is drained and
        // dropped: kept and searched, it would cost the benchmark process more with every call.
        source.off('data', onData);
        source.resume();
        resolve(match[1] ?? match[0]);
      }
    };
    source.on('data', onData);
  });
}

async function stdioTarget(name: string, command: string, args: string[], tool: string): Promise<Target> {
  const transport = new StdioClientTransport({ command, args, env: { ...process.env } as Record<string, string>, stderr: 'ignore' });
  const client = new Client({ name: 'bench', version: '1' });
  await client.connect(transport);
  return { name, client, tool, pid: () => transport.pid ?? undefined, close: () => client.close() };
}

async function httpTarget(name: string, child: ChildProcess, url: string, tool: string, token?: string): Promise<Target> {
  const transport = new StreamableHTTPClientTransport(new URL(url), token ? { requestInit: { headers: { Authorization: `Bearer ${token}` } } } : {});
  const client = new Client({ name: 'bench', version: '1' });
  await client.connect(transport);
  return {
    name,
    client,
    tool,
    pid: () => child.pid,
    close: async () => {
      await client.close();
      child.kill('SIGTERM');
    },
  };
}

function rssMb(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return kb / 1024;
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) a process has used so far, in milliseconds; undefined off Linux. */
function cpuMs(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms
  } catch {
    return undefined;
  }
}

async function run(target: Target, calls: number, concurrency: number): Promise<{ latencies: number[]; seconds: number; cpuMs?: number }> {
  const cpuBefore = cpuMs(target.pid?.());
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < calls) {
        next += 1;
        const t0 = performance.now();
        const result = await target.client.callTool({ name: target.tool, arguments: { message: 'bench' } });
        latencies.push(performance.now() - t0);
        if (result.isError) throw new Error(`${target.name}: ${JSON.stringify(result.content)}`);
      }
    }),
  );
  const cpuAfter = cpuMs(target.pid?.());
  return { latencies, seconds: (performance.now() - started) / 1000, ...(cpuBefore !== undefined && cpuAfter !== undefined ? { cpuMs: cpuAfter - cpuBefore } : {}) };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** `mcp-warden serve --http` from `bin` on `config`; resolves with the process once it listens. */
async function startWarden(bin: string, config: string): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [bin, 'serve', '--config', config, '--http', `127.0.0.1:${port}`, '--non-interactive'], { stdio: ['ignore', 'pipe', 'pipe'] });
  await waitFor(child, /listening on (http:\S+)/, 'stderr');
  return { child, url: `http://127.0.0.1:${port}/mcp` };
}

/** The A/B variants asked for in the environment, over stdio and HTTP. */
async function variantTargets(): Promise<Target[]> {
  const variants: Array<[string, string, string]> = [];
  if (BASELINE_BIN) variants.push(['baseline', BASELINE_BIN, baselineConfig]);
  if (WITH_FSYNC) variants.push(['fsync', BIN, fsyncConfig]);
  const targets: Target[] = [];
  for (const [label, bin, config] of variants) {
    targets.push(await stdioTarget(`${label} stdio`, process.execPath, [bin, 'serve', '--config', config, '--agent', 'bench', '--non-interactive'], 'everything_echo'));
    const http = await startWarden(bin, config);
    targets.push(await httpTarget(`${label} http`, http.child, http.url, 'everything_echo', 'bench-token'));
  }
  return targets;
}

async function main(): Promise<void> {
  console.log(`mcp-warden gateway benchmark: ${ROUNDS} interleaved rounds, ${CALLS_C1} calls at c=1 and ${CALLS_C32} at c=32 per round`);
  const wardenPort = await freePort();
  const superPort = await freePort();
  const warden = spawn(process.execPath, [BIN, 'serve', '--config', configFile, '--http', `127.0.0.1:${wardenPort}`, '--non-interactive'], { stdio: ['ignore', 'pipe', 'pipe'] });
  await waitFor(warden, /listening on (http:\S+)/, 'stderr');
  const superGw = spawn(
    process.execPath,
    [SUPERGATEWAY, '--stdio', `node ${EVERYTHING} stdio`, '--outputTransport', 'streamableHttp', '--stateful', '--port', String(superPort), '--logLevel', 'none'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise((resolve) => setTimeout(resolve, 1500));

  const targets: Target[] = [
    await stdioTarget('direct stdio', process.execPath, [EVERYTHING, 'stdio'], 'echo'),
    await stdioTarget('bare relay stdio', process.execPath, [RELAY, process.execPath, EVERYTHING, 'stdio'], 'echo'),
    await stdioTarget('mcp-warden stdio', process.execPath, [BIN, 'serve', '--config', configFile, '--agent', 'bench', '--non-interactive'], 'everything_echo'),
    await httpTarget('mcp-warden http', warden, `http://127.0.0.1:${wardenPort}/mcp`, 'everything_echo', 'bench-token'),
    await httpTarget('supergateway http', superGw, `http://127.0.0.1:${superPort}/mcp`, 'echo'),
    ...(await variantTargets()),
  ];
  const samples = new Map<string, { latencies: number[]; seconds: number; calls: number; cpuMs?: number }>();
  const record = (key: string, r: { latencies: number[]; seconds: number; cpuMs?: number }) => {
    const entry = samples.get(key) ?? { latencies: [], seconds: 0, calls: 0 };
    entry.latencies.push(...r.latencies);
    entry.seconds += r.seconds;
    entry.calls += r.latencies.length;
    if (r.cpuMs !== undefined) entry.cpuMs = (entry.cpuMs ?? 0) + r.cpuMs;
    samples.set(key, entry);
  };
  for (const target of targets) await run(target, 50, 4); // warm-up
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const target of targets) record(`${target.name}|1`, await run(target, CALLS_C1, 1));
    for (const target of targets) record(`${target.name}|32`, await run(target, CALLS_C32, 32));
  }

  const rows: Record<string, { p50: number; p99: number; rate: number }> = {};
  console.log('\ntarget               conc   p50 ms   p99 ms    calls/s  proxy CPU µs/call');
  for (const [key, entry] of samples) {
    const sorted = [...entry.latencies].sort((a, b) => a - b);
    const row = { p50: percentile(sorted, 50), p99: percentile(sorted, 99), rate: entry.calls / entry.seconds };
    rows[key] = row;
    const [name, conc] = key.split('|');
    // The server itself for "direct"; the proxy process otherwise (its children are not counted).
    const cpu = entry.cpuMs === undefined ? '' : ((entry.cpuMs * 1000) / entry.calls).toFixed(0);
    console.log(`${name!.padEnd(20)} ${conc!.padStart(4)} ${row.p50.toFixed(3).padStart(8)} ${row.p99.toFixed(3).padStart(8)} ${row.rate.toFixed(0).padStart(10)} ${cpu.padStart(18)}`);
  }
  const stdioPid = targets.find((target) => target.name === 'mcp-warden stdio')!.pid?.();
  const rssStdio = rssMb(stdioPid);
  const rssHttp = rssMb(warden.pid);
  const rssSuper = rssMb(superGw.pid);
  console.log(
    `\nRSS (children not counted): mcp-warden stdio ${rssStdio?.toFixed(1) ?? '?'} MB, mcp-warden HTTP ${rssHttp?.toFixed(1) ?? '?'} MB, supergateway ${rssSuper?.toFixed(1) ?? '?'} MB`,
  );

  const get = (name: string, conc: number) => rows[`${name}|${conc}`]!;
  const cpuPerCall = (name: string, conc: number): number | undefined => {
    const entry = samples.get(`${name}|${conc}`);
    return entry?.cpuMs === undefined ? undefined : (entry.cpuMs * 1000) / entry.calls;
  };
  const verdict = (met: boolean | undefined) => (met === undefined ? 'NOT MEASURED' : met ? 'MET' : 'NOT MET');
  const overDirect = get('mcp-warden stdio', 1).p50 - get('direct stdio', 1).p50;
  const overRelay = get('mcp-warden stdio', 1).p50 - get('bare relay stdio', 1).p50;
  console.log('\nGoals (issue 11; policy and audit on)');
  console.log(
    `  stdio adds at most 0.10 ms p50 over a bare byte relay: +${overRelay.toFixed(3)} ms  ${verdict(overRelay <= 0.1)} (over a direct connection: +${overDirect.toFixed(3)} ms)`,
  );
  for (const [conc, goal] of [[1, 150], [32, 60]] as const) {
    const cpu = cpuPerCall('mcp-warden stdio', conc);
    const relay = cpuPerCall('bare relay stdio', conc);
    console.log(
      `  stdio proxy CPU at most ${goal} µs per call at c=${conc}: ${cpu?.toFixed(0) ?? '?'} µs (the bare relay: ${relay?.toFixed(0) ?? '?'} µs)  ${verdict(cpu === undefined ? undefined : cpu <= goal)}`,
    );
  }
  for (const [conc, goal] of [[1, 1.5], [32, 2]] as const) {
    const ours = get('mcp-warden http', conc);
    const theirs = get('supergateway http', conc);
    const ratio = ours.rate / theirs.rate;
    console.log(
      `  HTTP at least ${goal}x supergateway's calls/s at c=${conc}: ${ours.rate.toFixed(0)} vs ${theirs.rate.toFixed(0)} calls/s (x${ratio.toFixed(2)}), p50 ${ours.p50.toFixed(3)} vs ${theirs.p50.toFixed(3)} ms  ${verdict(ratio >= goal)}`,
    );
  }
  const rss = Math.max(rssStdio ?? 0, rssHttp ?? 0);
  console.log(`  RSS at most 80 MB with two upstreams: ${rss.toFixed(1)} MB  ${verdict(rss <= 80)}`);
  const echo = (await targets[0]!.client.listTools()).tools.find((tool) => tool.name === 'echo')!;
  const check = measureArgumentCheck('everything', echo, { message: 'bench' });
  console.log(
    `  argument check (depth + inputSchema) at most 20 µs p50 on the echo call: ${check.p50Us.toFixed(2)} µs (p99 ${check.p99Us.toFixed(2)} µs; first call, compiling the schema, ${check.firstMs.toFixed(1)} ms)  ${check.p50Us <= 20 ? 'MET' : 'NOT MET'}`,
  );

  // The figures are printed by now: a target that fails to close is reported, not fatal.
  for (const target of targets) await target.close().catch((error: unknown) => console.error(`  closing ${target.name} failed: ${String(error)}`));
  superGw.kill('SIGTERM');
  warden.kill('SIGTERM');
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
