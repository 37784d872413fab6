// The stdio transport on its own, with `sh` and `cat` as tiny servers: a line sent comes back as a
// message, and no ending (close, close during start, the server exiting by itself) leaves any process
// of its group behind or its group in the registry.
import { afterEach, expect, test } from 'vitest';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { ChildRegistry } from '../../src/upstream/child-registry.js';
import { ChildTransport, type ChildTransportOptions } from '../../src/upstream/child-transport.js';
import { isPidGone, waitFor } from './helpers.js';

const open: ChildTransport[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((transport) => transport.close()));
});

/** A transport running `sh -c script`; `grandchild()` resolves with the pid the script prints on stderr. */
function shell(script: string, options: Partial<ChildTransportOptions> = {}) {
  let reported: (pid: number) => void;
  const grandchild = new Promise<number>((resolve) => (reported = resolve));
  const transport = new ChildTransport({
    id: 'sh',
    command: 'sh',
    args: ['-c', script],
    stderr: (line) => reported(Number(line.replace('[sh] ', ''))),
    ...options,
  });
  open.push(transport);
  return { transport, grandchild: () => grandchild };
}

test('a message written to the child comes back as a message (cat echoes it)', async () => {
  const { transport } = shell('exec cat');
  const received: JSONRPCMessage[] = [];
  transport.onmessage = (message) => void received.push(message);
  await transport.start();
  await transport.send({ jsonrpc: '2.0', id: 1, method: 'ping' });
  expect(await waitFor(() => received.length === 1, 3000)).toBe(true);
  expect(received).toEqual([{ jsonrpc: '2.0', id: 1, method: 'ping' }]);
});

test("close() ends an `sh -c` server's grandchild too, after the shell exits at the end of its stdin", async () => {
  const children = new ChildRegistry();
  const { transport, grandchild } = shell('sleep 60 & echo $! >&2; cat', { children, killGraceMs: 200 });
  await transport.start();
  const pid = await grandchild();
  expect(children.size).toBe(1);
  expect(isPidGone(pid)).toBe(false);
  await transport.close();
  expect(transport.describeExit()).toBe('exited with code 0');
  expect(isPidGone(transport.pid!)).toBe(true);
  expect(isPidGone(pid)).toBe(true);
  expect(children.size).toBe(0);
});

test('a server that exits by itself takes its grandchild with it and leaves the registry', async () => {
  const children = new ChildRegistry();
  const { transport, grandchild } = shell('sleep 60 & echo $! >&2; sleep 0.2; exit 3', { children, killGraceMs: 200 });
  let closed = 0;
  transport.onclose = () => void (closed += 1);
  await transport.start();
  const pid = await grandchild();
  expect(await waitFor(() => closed === 1 && children.size === 0, 5000)).toBe(true);
  expect(transport.describeExit()).toBe('exited with code 3');
  expect(isPidGone(pid)).toBe(true);
});

test('close() while start() is still spawning waits for the child and ends it', async () => {
  const children = new ChildRegistry();
  const { transport } = shell('exec sleep 60', { children, exitWaitMs: 100, killGraceMs: 200 });
  let closed = 0;
  transport.onclose = () => void (closed += 1);
  const starting = transport.start();
  const closing = transport.close();
  await starting;
  await closing;
  expect(transport.pid).toBeDefined();
  expect(isPidGone(transport.pid!)).toBe(true);
  expect(children.size).toBe(0);
  expect(closed).toBe(1);
  // Sending after close fails rather than writing to a dead pipe.
  await expect(transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' })).rejects.toThrow('Upstream "sh" is not running');
});

test('a transport starts once: a second start(), or one after close(), is refused', async () => {
  const { transport } = shell('exec cat');
  await transport.start();
  await expect(transport.start()).rejects.toThrow('was already started or closed');
  const closedFirst = new ChildTransport({ id: 'never', command: 'cat' });
  await closedFirst.close();
  await expect(closedFirst.start()).rejects.toThrow('was already started or closed');
});

test('a command that does not exist fails start() with its reason and fires onclose once', async () => {
  const transport = new ChildTransport({ id: 'ghost', command: 'nonexistent-command-xyz' });
  let closed = 0;
  transport.onclose = () => void (closed += 1);
  await expect(transport.start()).rejects.toThrow('command "nonexistent-command-xyz" was not found (ENOENT); check the command and PATH');
  expect(closed).toBe(1);
  await transport.close();
  expect(closed).toBe(1);
});
