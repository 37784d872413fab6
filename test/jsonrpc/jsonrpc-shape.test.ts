// The structural JSON-RPC check must accept exactly what the SDK's Protocol classifies: a message it
// passed that the Protocol could not classify would be dropped without an answer (the agent waits
// forever), and one it refused that the SDK accepts would break a client. Compared on generated
// messages built from the fields and odd values that matter.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { isJSONRPCErrorResponse, isJSONRPCNotification, isJSONRPCRequest, isJSONRPCResultResponse } from '@modelcontextprotocol/sdk/types.js';
import { isJsonRpcMessage } from '../../src/jsonrpc/jsonrpc-shape.js';

const sdkAccepts = (value: unknown) => isJSONRPCRequest(value) || isJSONRPCNotification(value) || isJSONRPCResultResponse(value) || isJSONRPCErrorResponse(value);

const odd = fc.constantFrom<unknown>(undefined, null, 0, 1, -3, 1.5, Number.NaN, '', 'x', true, [], [1], {}, { a: 1 });
const id = fc.oneof(fc.constantFrom<unknown>(1, 0, -7, 'a', '', 1.5, null, true, [], {}, 2 ** 53, 2 ** 53 - 1, -(2 ** 53), 1e20, -1e21), odd);
const meta = fc.oneof(
  odd,
  fc.record(
    { progressToken: fc.oneof(id, odd), 'io.modelcontextprotocol/related-task': fc.oneof(odd, fc.record({ taskId: fc.oneof(fc.constant('t1'), odd) })), other: odd },
    { requiredKeys: [] },
  ),
);
const params = fc.oneof(odd, fc.record({ _meta: meta, name: odd, task: odd }, { requiredKeys: [] }));
const error = fc.oneof(odd, fc.record({ code: fc.oneof(fc.constantFrom<unknown>(-32601, 1.5, '1', 2 ** 60, -(2 ** 53)), odd), message: fc.oneof(fc.constant('m'), odd), data: odd }, { requiredKeys: [] }));
const message = fc.record(
  {
    jsonrpc: fc.constantFrom<unknown>('2.0', '1.0', 2, undefined),
    id,
    method: fc.oneof(fc.constantFrom<unknown>('tools/call', 'notifications/progress'), odd),
    params,
    result: fc.oneof(odd, fc.record({ _meta: meta, content: odd }, { requiredKeys: [] })),
    error,
    extra: odd,
  },
  { requiredKeys: [] },
);

test('accepts exactly what the SDK classifies, on generated messages', () => {
  fc.assert(
    fc.property(message, (value) => {
      // JSON has no undefined: compare what would arrive on the wire.
      const wire = JSON.parse(JSON.stringify(value)) as unknown;
      expect(isJsonRpcMessage(wire)).toBe(sdkAccepts(wire));
    }),
    { numRuns: 20_000 },
  );
});

test.each([
  [{ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x', _meta: 'progress' } }, false],
  [{ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x', _meta: { progressToken: { a: 1 } } } }, false],
  [{ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x', _meta: { progressToken: 1.5 } } }, false],
  [{ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x', _meta: { 'io.modelcontextprotocol/related-task': 'x' } } }, false],
  [{ jsonrpc: '2.0', id: 1.5, method: 'ping' }, false],
  [{ jsonrpc: '2.0', id: 1e20, method: 'tools/list' }, false],
  [{ jsonrpc: '2.0', id: 2 ** 53, method: 'tools/list' }, false],
  [{ jsonrpc: '2.0', id: 2 ** 53 - 1, method: 'tools/list' }, true],
  [{ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x', _meta: { progressToken: 2 ** 60 } } }, false],
  [{ jsonrpc: '2.0', id: 1, method: 'ping', result: {} }, false],
  [{ jsonrpc: '2.0', id: 1, result: {}, method: 'ping' }, false],
  [{ jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' } }, true],
  [{ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x', _meta: { progressToken: 'p', custom: { deep: true } } } }, true],
])('%j → %s, as the SDK decides', (value, expected) => {
  expect(isJsonRpcMessage(value)).toBe(expected);
  expect(sdkAccepts(value)).toBe(expected);
});
