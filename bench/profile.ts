// `npm run bench:profile`: a V8 CPU profile of mcp-warden over stdio at concurrency 1 (the bench
// config: policy and audit on), summarised as self time per call, by function and by source file.
// It runs the unbundled build (dist/cli/main.js), so that each cost is named by the file it is in.
// Like the benchmark, it prints figures and never fails on them.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { benchConfig } from './bench-config.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CALLS = Number(process.env.BENCH_CALLS ?? 3000);
const TOP = Number(process.env.BENCH_TOP ?? 15);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'warden-profile-'));
  const config = join(dir, 'gateway.yaml');
  writeFileSync(config, benchConfig(dir, join(dir, 'audit.jsonl')));
  // The same V8 heuristics the launcher sets (bin/mcp-warden.js), on the unbundled CLI.
  const launcher = join(dir, 'launch.mjs');
  writeFileSync(
    launcher,
    [
      "import v8 from 'node:v8';",
      "v8.setFlagsFromString('--optimize-for-size');",
      "v8.setFlagsFromString('--semi-space-growth-factor=1');",
      `const { main } = await import(${JSON.stringify(join(ROOT, 'dist/cli/main.js'))});`,
      'process.exitCode = await main(process.argv.slice(2));',
    ].join('\n'),
  );
  const profiles = join(dir, 'profiles');
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['--cpu-prof', `--cpu-prof-dir=${profiles}`, launcher, 'serve', '--config', config, '--agent', 'bench', '--non-interactive'],
    env: { ...process.env } as Record<string, string>,
    stderr: 'ignore',
  });
  const client = new Client({ name: 'bench-profile', version: '1' });
  await client.connect(transport);
  for (let i = 0; i < 200; i += 1) await client.callTool({ name: 'everything_echo', arguments: { message: 'warm-up' } });
  const started = performance.now();
  for (let i = 0; i < CALLS; i += 1) {
    const result = await client.callTool({ name: 'everything_echo', arguments: { message: 'bench' } });
    if (result.isError) throw new Error(`The call failed: ${JSON.stringify(result.content)}`);
  }
  const seconds = (performance.now() - started) / 1000;
  await client.close();
  const file = await waitForProfile(profiles);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const calls = CALLS + 200;
  console.log(`mcp-warden stdio, c=1: ${CALLS} calls in ${seconds.toFixed(2)} s (${(CALLS / seconds).toFixed(0)} calls/s); profile ${file}`);
  summarise(profile, calls);
}

/** Self time per call: by function (name, file, line) and by source file; idle and GC are listed apart. */
function summarise(profile: CpuProfile, calls: number): void {
  const byNode = new Map<number, ProfileNode>(profile.nodes.map((node) => [node.id, node]));
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, index) => {
    const micros = profile.timeDeltas[index] ?? 0;
    const frame = byNode.get(id)!.callFrame;
    if (frame.functionName === '(idle)' || frame.functionName === '(program)') {
      byFile.set(frame.functionName, (byFile.get(frame.functionName) ?? 0) + micros);
      return;
    }
    busy += micros;
    const where = frame.url ? `${shorten(frame.url)}:${frame.lineNumber + 1}` : '(native)';
    const fn = `${frame.functionName || '(anonymous)'} ${where}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + micros);
    const source = frame.url ? shorten(frame.url) : frame.functionName;
    byFile.set(source, (byFile.get(source) ?? 0) + micros);
  });
  const perCall = (micros: number) => (micros / calls).toFixed(1).padStart(7);
  // A native frame (a write) also counts the time the thread waited in it: a loaded machine inflates it.
  console.log(`\nBusy time per call (JavaScript, GC and native calls, idle not counted): ${perCall(busy)} µs`);
  console.log(`\nTop ${TOP} functions by self time, µs per call`);
  for (const [name, micros] of top(byFunction)) console.log(`${perCall(micros)}  ${name}`);
  console.log(`\nTop ${TOP} source files by self time, µs per call`);
  for (const [name, micros] of top(byFile)) console.log(`${perCall(micros)}  ${name}`);
}

function top(map: Map<string, number>): Array<[string, number]> {
  return [...map].sort((a, b) => b[1] - a[1]).slice(0, TOP);
}

function shorten(url: string): string {
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const inRepo = relative(ROOT, path);
  return inRepo.startsWith('..') ? path : inRepo.replace(/^node_modules\//, '');
}

/** The profile is written when the gateway exits, after its stdin closed. */
async function waitForProfile(dir: string): Promise<string> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const found = readdirSafe(dir).find((name) => name.endsWith('.cpuprofile'));
    if (found) return join(dir, found);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`The gateway wrote no CPU profile into ${dir} within 10 s of closing`);
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
