// The decision log in process: observer events in, log lines out, written to memory. What each line
// carries, what it must never carry (argument values), and which level each event gets.
import { describe, expect, test } from 'vitest';
import type { AuditRecord } from '../../src/audit/types.js';
import { decisionLog } from '../../src/log/decision-log.js';
import { createLogger, type LogLevel } from '../../src/log/logger.js';

type Line = Record<string, unknown> & { level: string; msg: string };

async function harness(level: LogLevel = 'info', options: { consoleUrl?: string } = {}) {
  const written: string[] = [];
  const logger = await createLogger({ level, pretty: false, destination: { write: (line) => void written.push(line) } });
  const observer = decisionLog(logger, { consoleUrl: () => options.consoleUrl });
  return { observer, written, lines: () => written.map((line) => JSON.parse(line) as Line) };
}

const SECRET = 'sk-live-4f9a8b7c6d5e4f3a2b1c';

function callRecord(overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    time: '2026-11-29T10:00:00.000Z',
    decision_id: 'a1b2c3d4-0000-4000-8000-000000000001',
    event: 'call',
    agent: 'claude-code',
    environment: 'dev',
    session: '5e55101d-aaaa-4bbb-8ccc-123456789abc',
    tool: 'fs/write_file',
    args_sha256: 'f'.repeat(64),
    // As the audit has them: already redacted where a value looks secret, but paths and text stay.
    args: { path: '/home/me/.ssh/id_rsa', content: SECRET, api_key: '[redacted]' },
    decision: 'deny',
    reasons: [
      { layer: 'name', decision: 'allow', rule: 'allow: "fs/*"', source: 'gateway.yaml:10:13', message: 'allowed' },
      { layer: 'name', decision: 'deny', rule: 'deny: "fs/write*"', source: 'gateway.yaml:12:7', message: 'denied by rule' },
    ],
    outcome: 'denied',
    duration_ms: 0.42,
    ...overrides,
  };
}

describe('decision lines', () => {
  test('a denied call is one info line naming agent, tool, decision, the deciding rule and the duration', async () => {
    const { observer, lines } = await harness();
    observer.record!(callRecord());
    expect(lines()).toHaveLength(1);
    const [line] = lines();
    expect(line).toMatchObject({
      level: 'info',
      event: 'call',
      agent: 'claude-code',
      tool: 'fs/write_file',
      decision: 'deny',
      outcome: 'denied',
      rule: 'deny: "fs/write*"',
      source: 'gateway.yaml:12:7',
      layer: 'name',
      duration_ms: 0.4,
      session: '5e55101d',
      decision_id: 'a1b2c3d4-0000-4000-8000-000000000001',
    });
    expect(line!.msg).toBe('deny fs/write_file (agent claude-code) — rule deny: "fs/write*" at gateway.yaml:12:7 — 0.4 ms');
  });

  test('no argument value, nor their digest, ever reaches the log', async () => {
    const { observer, written } = await harness('trace');
    observer.record!(callRecord());
    observer.record!(callRecord({ decision: 'allow', outcome: 'ok', reasons: [] }));
    observer.record!(callRecord({ event: 'approval', outcome: 'asked', decision: 'ask' }));
    observer.record!(callRecord({ event: 'access', tool: 'resource:fs/file:///etc/hosts', method: 'resources/read' }));
    const text = written.join('');
    expect(written).toHaveLength(4);
    for (const value of [SECRET, 'id_rsa', '/home/me', '[redacted]', 'f'.repeat(64), 'api_key', 'content']) expect(text).not.toContain(value);
  });

  test('an allowed call that failed says so; a call that waited says who answered', async () => {
    const { observer, lines } = await harness();
    observer.record!(callRecord({ decision: 'allow', outcome: 'error', error: 'Upstream "fs" timed out after 30 s', reasons: [callRecord().reasons[0]!], duration_ms: 30_012 }));
    observer.record!(
      callRecord({
        decision: 'allow',
        outcome: 'ok',
        reasons: [{ layer: 'approval', decision: 'ask', rule: 'ask: "fs/write*"', source: 'gateway.yaml:11:7', message: 'ask' }],
        approval: { ticket: 't123', channel: 'console', by: 'alice', waited_ms: 5_300 },
        duration_ms: 5_310,
      }),
    );
    expect(lines().map((line) => line.msg)).toEqual([
      'allow fs/write_file (agent claude-code): error — rule allow: "fs/*" at gateway.yaml:10:13 — 30 s',
      'allow fs/write_file (agent claude-code) — rule ask: "fs/write*" at gateway.yaml:11:7 — answered by alice via console — 5.3 s',
    ]);
    expect(lines()[0]).toMatchObject({ error: 'Upstream "fs" timed out after 30 s' });
    expect(lines()[1]).toMatchObject({ ticket: 't123', answered: 'alice via console' });
  });

  test('a call to an unknown tool names the error; a tool name chosen by the agent cannot carry control characters', async () => {
    const { observer, lines } = await harness();
    observer.record!(callRecord({ tool: 'evil\u001b[2J\u202ename', reasons: [], error: 'unknown tool', duration_ms: 0.05 }));
    expect(lines()[0]!.msg).toBe('deny evil\\u001b[2J\\u202ename (agent claude-code) — unknown tool — 0.1 ms');
    expect(lines()[0]!.tool).toBe('evil\\u001b[2J\\u202ename');
  });
});

describe('approval lines', () => {
  const asked = callRecord({ event: 'approval', decision_id: 'tkt42', decision: 'ask', outcome: 'asked', reasons: [callRecord().reasons[1]!] });

  test('an ask says which ticket waits, where to answer it, and why', async () => {
    const { observer, lines } = await harness('info', { consoleUrl: 'http://127.0.0.1:8788/approvals' });
    observer.record!(asked);
    expect(lines()).toEqual([expect.objectContaining({ level: 'info', event: 'approval', ticket: 'tkt42', outcome: 'asked', tool: 'fs/write_file' })]);
    expect(lines()[0]!.msg).toBe(
      'Waiting for approval: ticket tkt42 — fs/write_file (agent claude-code) — rule deny: "fs/write*" at gateway.yaml:12:7; answer in the approval console (http://127.0.0.1:8788/approvals) or with "mcp-warden approvals approve tkt42" or "… deny tkt42"',
    );
  });

  test.each([
    [{ outcome: 'approved', approval: { ticket: 'tkt42', channel: 'console', by: 'alice', waited_ms: 2_500 } }, 'info', 'Approval approved: ticket tkt42 — fs/write_file (agent claude-code) — alice via console after 2.5 s'],
    [{ outcome: 'denied', approval: { ticket: 'tkt42', channel: 'slack', by: 'bob', waited_ms: 12_000 } }, 'info', 'Approval denied: ticket tkt42 — fs/write_file (agent claude-code) — bob via slack after 12 s'],
    [{ outcome: 'expired', approval: { ticket: 'tkt42', channel: 'timeout', waited_ms: 300_000 } }, 'info', 'Approval expired: ticket tkt42 — fs/write_file (agent claude-code) — nobody (timeout) after 300 s'],
    [{ outcome: 'cancelled', approval: { ticket: 'tkt42', channel: 'cancelled', waited_ms: 800 } }, 'info', 'Approval withdrawn: ticket tkt42 — fs/write_file (agent claude-code) — nobody (cancelled) after 800 ms'],
    [{ outcome: 'error', error: 'slack: HTTP 500 from hooks.slack.com' }, 'warn', 'Approval channel failed: ticket tkt42 — fs/write_file (agent claude-code) — slack: HTTP 500 from hooks.slack.com'],
  ] as const)('%j is a %s line', async (change, level, msg) => {
    const { observer, lines } = await harness();
    observer.record!({ ...asked, ...change });
    expect(lines()).toEqual([expect.objectContaining({ level, msg, ticket: 'tkt42' })]);
  });
});

describe('upstream, session and token lines', () => {
  const base = { server: 'github', agent: 'claude-code', session: '5e55101d-aaaa', at: 0 };

  test('a failed start is a warning with the error and the next attempt; a later repeat is debug unless a power of two', async () => {
    const { observer, lines } = await harness('debug');
    const error = 'Cannot start upstream "github": command "npx" exited with code 127';
    for (const attempts of [1, 5, 8]) observer.upstream!({ ...base, state: 'failed', attempts, error, retryInMs: 10_000 });
    observer.upstream!({ ...base, state: 'failed', attempts: 1, error });
    expect(lines().map(({ level, msg }) => [level, msg])).toEqual([
      ['warn', `${error} (attempt 1; next in 10 s)`],
      ['debug', `${error} (attempt 5; next in 10 s)`],
      ['warn', `${error} (attempt 8; next in 10 s)`],
      ['warn', `${error} (attempt 1; no further attempts)`],
    ]);
    expect(lines()[0]).toMatchObject({ event: 'upstream', server: 'github', state: 'failed', attempts: 1, error, retry_in_ms: 10_000, session: '5e55101d' });
  });

  test('up is info (with the attempts it took), down is a warning, starting and stopped are debug', async () => {
    const { observer, lines } = await harness('trace');
    observer.upstream!({ ...base, state: 'starting', attempts: 2 });
    observer.upstream!({ ...base, state: 'up', attempts: 2 });
    observer.upstream!({ ...base, state: 'down', error: 'command "npx" exited with code 1' });
    observer.upstream!({ ...base, state: 'stopped' });
    expect(lines().map(({ level, msg }) => [level, msg])).toEqual([
      ['debug', 'Starting upstream "github" (attempt 2)'],
      ['info', 'Upstream "github" is up after 2 attempts'],
      ['warn', 'Upstream "github" disconnected: command "npx" exited with code 1'],
      ['debug', 'Upstream "github" stopped'],
    ]);
  });

  test('sessions opening and closing are info; a rejected token is a warning naming the remote address', async () => {
    const { observer, lines } = await harness();
    observer.session!({ type: 'opened', agent: 'ci', session: 'abcdef0123456789', at: 0 });
    observer.session!({ type: 'closed', agent: 'ci', session: 'abcdef0123456789', at: 0 });
    observer.authRejected!({ reason: 'unknown bearer token', remote: '127.0.0.1', at: 0 });
    expect(lines().map(({ level, msg }) => [level, msg])).toEqual([
      ['info', 'Session abcdef01 opened (agent ci)'],
      ['info', 'Session abcdef01 closed (agent ci)'],
      ['warn', 'Rejected HTTP request: unknown bearer token from 127.0.0.1'],
    ]);
    expect(lines()[2]).toMatchObject({ event: 'auth_rejected', reason: 'unknown bearer token', remote: '127.0.0.1' });
  });
});

describe('levels', () => {
  test('at warn (--quiet) decisions and asks are dropped, failures kept', async () => {
    const { observer, lines } = await harness('warn');
    observer.record!(callRecord());
    observer.record!(callRecord({ event: 'approval', outcome: 'asked', decision: 'ask' }));
    observer.session!({ type: 'opened', agent: 'ci', session: 's1', at: 0 });
    observer.upstream!({ server: 'github', agent: 'ci', session: 's1', at: 0, state: 'up', attempts: 1 });
    observer.upstream!({ server: 'github', agent: 'ci', session: 's1', at: 0, state: 'down', error: 'gone' });
    observer.authRejected!({ reason: 'missing bearer token', at: 0 });
    expect(lines().map(({ level, msg }) => [level, msg])).toEqual([
      ['warn', 'Upstream "github" disconnected: gone'],
      ['warn', 'Rejected HTTP request: missing bearer token'],
    ]);
  });

  test('silent logs nothing; debug adds upstream starts to info', async () => {
    const silent = await harness('silent');
    silent.observer.authRejected!({ reason: 'missing bearer token', at: 0 });
    silent.observer.upstream!({ server: 'g', agent: 'a', session: 's', at: 0, state: 'failed', attempts: 1, error: 'x' });
    expect(silent.written).toEqual([]);
    const info = await harness('info');
    const debug = await harness('debug');
    for (const { observer } of [info, debug]) observer.upstream!({ server: 'g', agent: 'a', session: 's', at: 0, state: 'starting', attempts: 1 });
    expect(info.written).toEqual([]);
    expect(debug.lines().map((line) => line.msg)).toEqual(['Starting upstream "g" (attempt 1)']);
  });
});
