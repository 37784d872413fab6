// The gateway's stderr log: pino in the main thread writing whole lines to a destination we own
// (no transports, no worker threads: those do not survive bundling). JSON lines for machines, or
// one short human line per event on a terminal.
import { boundedSink } from './destination.js';
import { pino, stdTimeFunctions, type Logger } from 'pino';

export type { Logger } from 'pino';

/** The levels `--log-level` takes, most verbose first; `silent` logs nothing. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Where log lines go: each `write` is one complete line ending in a newline. */
export interface LineSink {
  write(line: string): void;
}

/** A line sink that may say how much it has queued and not yet written (a Node stream does). */
export interface LogDestination extends LineSink {
  readonly writableLength?: number;
}

export interface LoggerOptions {
  level: LogLevel;
  /** One human line per event (time, level, message) instead of a JSON object. */
  pretty: boolean;
  /** ANSI colours in pretty lines; only for a terminal. */
  colorize?: boolean;
  /** Usually `process.stderr`: written through the same stream as the rest of stderr, so lines stay in order. */
  destination: LogDestination;
}

/** A logger writing to `destination`. Pretty printing is loaded only when asked for. */
export async function createLogger(options: LoggerOptions): Promise<Logger> {
  const { destination } = options;
  let sink: LineSink = destination;
  if (options.pretty) {
    // prettyFactory formats one JSON line synchronously: no stream in between, so pretty lines leave
    // in the same order and at the same moment as JSON ones would.
    // A CommonJS module: bundled, its import has only a default export (the module object).
    const { prettyFactory } = (await import('pino-pretty')).default;
    const format = prettyFactory({
      colorize: options.colorize ?? false,
      // The message already says what the fields hold; the fields are for the JSON form.
      hideObject: true,
      ignore: 'pid,hostname',
      translateTime: 'SYS:HH:MM:ss.l',
    });
    sink = { write: (line) => destination.write(format(line)) };
  }
  const bounded = boundedSink(destination, sink);
  return pino(
    {
      level: options.level,
      // pid tells apart the lines of several gateways sharing one stderr; hostname adds nothing to a local log.
      base: { pid: process.pid },
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    bounded,
  );
}
