// Runs the CLI in process with captured output, as the tests of test/cli do.
import { main } from '../../src/cli/main.js';

export async function runCli(args: string[], cwd: string, env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => void out.push(t), err: (t) => void err.push(t), env, cwd });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
