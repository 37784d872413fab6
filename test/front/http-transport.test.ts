// HttpSessionTransport on a real node:http socket: a call that stays quiet switches its POST to SSE
// and sends keep-alive comments until the answer, so clients and proxies do not give up on it.
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { HttpSessionTransport } from '../../src/front/http-transport.js';

let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
});

/** Serves every request with `transport.post(res, [message])` and returns the response as it arrives. */
async function postThrough(transport: HttpSessionTransport, message: JSONRPCMessage): Promise<{ response: IncomingMessage; body: () => string; ended: Promise<void> }> {
  server = createServer((_req, res) => transport.post(res, [message]));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/mcp' }, resolve);
    req.on('error', reject);
    req.end('{}');
  });
  let body = '';
  response.on('data', (chunk: Buffer) => (body += chunk.toString()));
  const ended = new Promise<void>((resolve) => response.on('end', () => resolve()));
  return { response, body: () => body, ended };
}

test('a quiet call gets SSE headers and keep-alive comments, then its answer, then the end', async () => {
  const transport = new HttpSessionTransport('s-1', { keepAliveMs: 40 });
  const seen: JSONRPCMessage[] = [];
  transport.onmessage = (message) => void seen.push(message);
  const { response, body, ended } = await postThrough(transport, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x' } });
  expect(response.headers['content-type']).toBe('text/event-stream');
  expect(response.headers['mcp-session-id']).toBe('s-1');
  await expect.poll(() => body().split(': keep-alive\n\n').length - 1).toBeGreaterThanOrEqual(2);
  expect(seen).toEqual([{ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x' } }]);
  expect(transport.isInFlight(1)).toBe(true);
  await transport.send({ jsonrpc: '2.0', id: 1, result: { content: [] } });
  await ended;
  expect(body()).toMatch(/: keep-alive\n\nevent: message\ndata: \{"jsonrpc":"2\.0","id":1,"result":\{"content":\[\]\}\}\n\n$/);
  expect(transport.isInFlight(1)).toBe(false);
});

test('an answer before the first keep-alive is plain JSON with no comment', async () => {
  const transport = new HttpSessionTransport('s-2', { keepAliveMs: 10_000 });
  transport.onmessage = (message) => {
    if ('id' in message && message.id !== undefined) void transport.send({ jsonrpc: '2.0', id: message.id, result: {} });
  };
  const { response, body, ended } = await postThrough(transport, { jsonrpc: '2.0', id: 'a', method: 'ping' });
  await ended;
  expect(response.headers['content-type']).toBe('application/json');
  expect(JSON.parse(body())).toEqual({ jsonrpc: '2.0', id: 'a', result: {} });
});

test('a request to the agent with no open stream at all fails loudly instead of waiting for ever', async () => {
  const transport = new HttpSessionTransport('s-3');
  await expect(transport.send({ jsonrpc: '2.0', id: 9, method: 'elicitation/create', params: {} })).rejects.toThrow(/No open stream/);
  // A notification with nowhere to go is dropped quietly: nobody waits for it.
  await expect(transport.send({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'x' } })).resolves.toBeUndefined();
});
