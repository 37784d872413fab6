// Where CLI output goes: the real process streams, or buffers in tests.

export interface Io {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
}

/** The process's own stdout, stderr, environment and working directory. */
export function processIo(): Io {
  return {
    out: (text) => void process.stdout.write(`${text}\n`),
    err: (text) => void process.stderr.write(`${text}\n`),
    env: process.env,
    cwd: process.cwd(),
  };
}
