// Why a server could not listen, said as what to do: a busy or forbidden port is the user's to fix,
// so it is one line, not `internal error: Error: listen EADDRINUSE` with a stack.

interface ListenFailure {
  code?: string;
  syscall?: string;
  address?: string;
  port?: number;
}

const ADVICE: Record<string, (where: string, port: number | undefined) => string> = {
  EADDRINUSE: (where) => `${where} is in use; stop the program that uses it (e.g. another gateway) or choose another port`,
  EACCES: (where, port) =>
    `${where} may not be used by this user${port !== undefined && port < 1024 ? ' (ports below 1024 need privileges)' : ''}; choose another port, e.g. 8787`,
  EADDRNOTAVAIL: (where) => `${where} is not an address of this machine; listen on 127.0.0.1, or on an address this machine has`,
};

/** The message for a failed `listen` (EADDRINUSE, EACCES, EADDRNOTAVAIL); undefined for any other error. */
export function describeListenError(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const failure = error as Error & ListenFailure;
  const advice = failure.code ? ADVICE[failure.code] : undefined;
  if (!advice || failure.syscall !== 'listen') return undefined;
  const where = failure.port !== undefined ? `Port ${failure.port} on ${failure.address ?? 'this host'}` : `Address ${failure.address ?? '(unknown)'}`;
  return advice(where, failure.port);
}
