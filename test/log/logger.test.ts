// The logger factory, the bounded sink and the settings from flags and environment.
import { describe, expect, test } from 'vitest';
import { boundedSink } from '../../src/log/destination.js';
import { createLogger } from '../../src/log/logger.js';
import { logSettings } from '../../src/log/settings.js';

describe('createLogger', () => {
  test('json: one JSON object per line, with level as a word, an ISO time, the pid and the fields', async () => {
    const written: string[] = [];
    const logger = await createLogger({ level: 'info', pretty: false, destination: { write: (line) => void written.push(line) } });
    logger.info({ tool: 'fs/read' }, 'allow fs/read "quoted"');
    logger.debug('not at info');
    expect(written).toHaveLength(1);
    expect(written[0]!.endsWith('}\n')).toBe(true);
    const { time, ...line } = JSON.parse(written[0]!) as Record<string, unknown>;
    expect(line).toEqual({ level: 'info', pid: process.pid, tool: 'fs/read', msg: 'allow fs/read "quoted"' });
    expect(time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  test('pretty: one human line per event (time, level, message), no JSON, no fields, no colours unless asked', async () => {
    const written: string[] = [];
    const logger = await createLogger({ level: 'info', pretty: true, destination: { write: (line) => void written.push(line) } });
    logger.warn({ server: 'github', error: 'x' }, 'Upstream "github" disconnected: x');
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: Upstream "github" disconnected: x\n$/);
    expect(() => JSON.parse(written[0]!) as unknown).toThrow();
    const colour: string[] = [];
    const coloured = await createLogger({ level: 'info', pretty: true, colorize: true, destination: { write: (line) => void colour.push(line) } });
    coloured.error('boom');
    expect(colour[0]).toContain('\u001b[');
  });
});

describe('boundedSink', () => {
  test('drops lines while the stream is backed up, then says how many before the next line', () => {
    const stream = { writableLength: 0 };
    const out: string[] = [];
    const sink = boundedSink(stream, { write: (line) => void out.push(line) }, 100);
    sink.write('{"msg":"one"}\n');
    stream.writableLength = 101;
    sink.write('{"msg":"two"}\n');
    sink.write('{"msg":"three"}\n');
    stream.writableLength = 100;
    sink.write('{"msg":"four"}\n');
    expect(out.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual([
      'one',
      "2 log lines dropped: this process's stderr was not read fast enough",
      'four',
    ]);
    expect(JSON.parse(out[1]!)).toMatchObject({ level: 'warn', dropped: 2 });
  });
});

describe('logSettings', () => {
  test.each([
    [{}, {}, false, { level: 'info', pretty: false }],
    [{}, {}, true, { level: 'info', pretty: true }],
    [{ quiet: true }, {}, false, { level: 'warn', pretty: false }],
    [{ logLevel: 'DEBUG' }, {}, false, { level: 'debug', pretty: false }],
    [{}, { MCP_WARDEN_LOG_LEVEL: 'error' }, false, { level: 'error', pretty: false }],
    [{ logLevel: 'trace' }, { MCP_WARDEN_LOG_LEVEL: 'error' }, false, { level: 'trace', pretty: false }],
    [{ quiet: true }, { MCP_WARDEN_LOG_LEVEL: 'debug' }, false, { level: 'warn', pretty: false }],
    [{ logFormat: 'json' }, {}, true, { level: 'info', pretty: false }],
    [{ logFormat: 'pretty' }, {}, false, { level: 'info', pretty: true }],
    [{ logLevel: 'silent' }, {}, false, { level: 'silent', pretty: false }],
  ])('flags %j, env %j, tty %s → %j', (flags, env, tty, expected) => {
    expect(logSettings(flags, env, tty)).toEqual(expected);
  });

  test.each([
    [{ logLevel: 'verbose' }, {}, 'Option "--log-level" must be one of trace, debug, info, warn, error, silent; got "verbose"'],
    [{}, { MCP_WARDEN_LOG_LEVEL: 'loud' }, 'MCP_WARDEN_LOG_LEVEL must be one of trace, debug, info, warn, error, silent; got "loud"'],
    [{ logFormat: 'text' }, {}, 'Option "--log-format" must be pretty or json; got "text"'],
    [{ quiet: true, logLevel: 'debug' }, {}, 'Give "--quiet" or "--log-level", not both ("--quiet" is "--log-level warn")'],
  ])('flags %j, env %j are refused: %s', (flags, env, message) => {
    expect(() => logSettings(flags, env, false)).toThrow(message);
  });
});
