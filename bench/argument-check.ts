// The cost of the argument check (depth limit and inputSchema validation) that runs before every call
// is decided, measured in process on a real tool definition: the first call, which compiles the
// schema, and then the p50 of single checks as the gateway makes them (the catalog's same definition
// object each time, so the compiled validator is found by identity).
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { checkArguments } from '../src/gateway/argument-check.js';

const CHECKS = 50_000;

/** Times `checkArguments` on `tool` with `args`; throws if the arguments do not pass, as the bench call must. */
export function measureArgumentCheck(server: string, tool: Tool, args: Record<string, unknown>): { firstMs: number; p50Us: number; p99Us: number } {
  const t0 = process.hrtime.bigint();
  const first = checkArguments(server, tool, args);
  const firstMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (first) throw new Error(`The bench arguments do not pass the check: ${first.reasons[0]?.message}`);
  for (let i = 0; i < 5_000; i++) checkArguments(server, tool, args); // warm-up: let the JIT settle
  const samples = new Float64Array(CHECKS);
  for (let i = 0; i < CHECKS; i++) {
    const start = process.hrtime.bigint();
    checkArguments(server, tool, args);
    samples[i] = Number(process.hrtime.bigint() - start) / 1e3;
  }
  samples.sort();
  return { firstMs, p50Us: samples[Math.floor(CHECKS / 2)]!, p99Us: samples[Math.floor(CHECKS * 0.99)]! };
}
