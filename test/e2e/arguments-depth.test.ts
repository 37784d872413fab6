// Arguments nested deeper than the limit are refused with a reason and audited, on both fronts, before
// anything walks them; the gateway keeps serving. Sent by hand: the SDK's Client cannot serialise them.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { eventually, readAudit, startHttpGateway, writeConfig, type HttpGateway, type AuditLine } from './harness.js';
import { callText, nestedJson, rawHttp, rawStdio, type RawStdio } from './raw-wire.js';

const CONFIG = `
servers:
  raw:
    command: node
    args: ["{{fixtures}}/raw-args-server.mjs", "--tools", "{{dir}}/tools.json", "--log", "{{dir}}/received.jsonl"]
  echo:
    command: node
    args: ["{{fixtures}}/echo-server.mjs"]
    readonly: [pid]
agents:
  dev:
    allow: ["raw/*", "echo/*"]
    token: token-dev
environments:
  dev: { safety: full, audit: true }
audit: { path: "{{dir}}/audit.jsonl" }
`;

const DEPTH_REFUSAL =
  'mcp-warden denied the call to "raw/note".\n- The arguments are nested more than 64 levels deep, which this gateway refuses: send deep data as a string, or flatten it [input: argument depth at default]';

let config: { dir: string; file: string };
let stdio: RawStdio;
let http: HttpGateway;
let nextId = 1;

beforeAll(async () => {
  config = writeConfig(CONFIG);
  writeFileSync(join(config.dir, 'tools.json'), JSON.stringify([{ name: 'note', inputSchema: { type: 'object' } }]));
  stdio = await rawStdio(config, 'dev');
  http = await startHttpGateway(config);
});
afterAll(async () => {
  await stdio?.close();
  await http?.stop();
});

/** What the upstream received, one entry per call that reached it. */
function received(): string[] {
  const file = join(config.dir, 'received.jsonl');
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { arguments: string }).arguments) : [];
}

function depthRefusals(): AuditLine[] {
  return readAudit(config.dir).filter((record) => record.reasons?.[0]?.rule === 'argument depth');
}

const fronts = {
  stdio: async (body: string, id: number) => stdio.request(body, id),
  http: async (body: string, id: number) => (await rawHttp(http.url, 'token-dev')).request(body, id),
};

for (const [front, send] of Object.entries(fronts)) {
  for (const kind of ['object', 'array'] as const) {
    test(`${front}: arguments with ${kind}s nested 5,000 deep are refused with a reason and audited, the upstream untouched`, async () => {
      const id = nextId++;
      const before = received().length;
      const refusalsBefore = depthRefusals().length;
      const response = await send(callText(id, 'raw_note', `{"data":${nestedJson(5000, kind)}}`), id);
      expect(response.error).toBeUndefined();
      expect(response.result).toEqual({ content: [{ type: 'text', text: DEPTH_REFUSAL }], isError: true });

      // Both gateways append to one audit file: find this call's record by its reason.
      await eventually(() => depthRefusals().length > refusalsBefore);
      const record = depthRefusals().at(-1)!;
      expect(record).toMatchObject({ event: 'call', agent: 'dev', tool: 'raw/note', decision: 'deny', outcome: 'denied' });
      expect(record.reasons).toEqual([
        { layer: 'input', decision: 'deny', rule: 'argument depth', source: 'default', message: expect.stringContaining('nested more than 64 levels deep') as string },
      ]);
      expect(record.args_sha256).toMatch(/^[0-9a-f]{64}$/);

      // The gateway is still there and the refused call never reached the upstream.
      const after = nextId++;
      const ok = await send(callText(after, 'raw_note', '{"text":"still here"}'), after);
      expect(ok.result).toEqual({ content: [{ type: 'text', text: '{"text":"still here"}' }] });
      expect(received().slice(before)).toEqual(['{"text":"still here"}']);
    });
  }
}

test("a call's _meta nested 5,000 deep is refused and audited the same way, and the upstream is not restarted", async () => {
  const id = nextId++;
  const before = received().length;
  const refusalsBefore = depthRefusals().length;
  const line = `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"raw_note","arguments":{"text":"hi"},"_meta":{"x":${nestedJson(5000, 'object')}}}}`;
  expect((await stdio.request(line, id)).result).toEqual({
    content: [{ type: 'text', text: 'mcp-warden denied the call to "raw/note".\n- The call\'s _meta is nested more than 64 levels deep, which this gateway refuses [input: argument depth at default]' }],
    isError: true,
  });
  await eventually(() => depthRefusals().length > refusalsBefore);
  expect(depthRefusals().at(-1)).toMatchObject({ tool: 'raw/note', decision: 'deny', outcome: 'denied', args: { text: 'hi' } });
  const after = nextId++;
  expect((await stdio.request(callText(after, 'raw_note', '{"text":"next"}'), after)).result).toEqual({ content: [{ type: 'text', text: '{"text":"next"}' }] });
  expect(received().slice(before)).toEqual(['{"text":"next"}']);
});

test('the limit is 64 levels counting the arguments object: 64 are forwarded exactly, 65 are refused', async () => {
  const at = `{"data":${nestedJson(63, 'array')}}`;
  const id = nextId++;
  expect((await stdio.request(callText(id, 'raw_note', at), id)).result).toEqual({ content: [{ type: 'text', text: at }] });
  const over = nextId++;
  const refused = await stdio.request(callText(over, 'raw_note', `{"data":${nestedJson(64, 'array')}}`), over);
  expect(refused.result).toEqual({ content: [{ type: 'text', text: DEPTH_REFUSAL }], isError: true });
  expect(received().at(-1)).toBe(at);
});

test('other requests nested too deep (a resources/read _meta) get an error, and the upstream is not restarted', async () => {
  const pidCall = async () => {
    const id = nextId++;
    return ((await stdio.request(callText(id, 'echo_pid', '{}'), id)).result as { content: Array<{ text: string }> }).content[0]!.text;
  };
  const pid = await pidCall();
  for (const front of ['stdio', 'http'] as const) {
    const id = nextId++;
    const line = `{"jsonrpc":"2.0","id":${id},"method":"resources/read","params":{"uri":"fixture://hello","_meta":{"x":${nestedJson(5000, 'array')}}}}`;
    const response = front === 'stdio' ? await stdio.request(line, id) : await (await rawHttp(http.url, 'token-dev')).request(line, id);
    expect(response).toEqual({ jsonrpc: '2.0', id, error: { code: -32602, message: 'Invalid params: nested more than 64 levels deep, which mcp-warden refuses' } });
  }
  const id = nextId++;
  const read = await stdio.request(`{"jsonrpc":"2.0","id":${id},"method":"resources/read","params":{"uri":"fixture://hello"}}`, id);
  expect(read.result).toMatchObject({ contents: [{ text: 'Hello from the fixture' }] });
  expect(await pidCall()).toBe(pid);
});

test("the client's answer to a relayed request, nested too deep, reaches the upstream as an error, not as a crash", async () => {
  const asking = await rawStdio(config, 'dev', {
    capabilities: '{"elicitation":{}}',
    onRequest: ({ id }) => `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":{"action":"accept","content":{"name":${nestedJson(5000, 'object')}}}}`,
  });
  try {
    const id = nextId++;
    const response = await asking.request(callText(id, 'echo_ask_user', '{}'), id);
    // The fixture's elicitInput rejects with the error the gateway answered in the client's stead.
    expect(response.result).toMatchObject({ isError: true, content: [{ type: 'text', text: expect.stringContaining("The client's answer is nested more than 64 levels deep, which mcp-warden refuses") as string }] });
    const next = nextId++;
    expect((await asking.request(callText(next, 'raw_note', '{"text":"after"}'), next)).result).toEqual({ content: [{ type: 'text', text: '{"text":"after"}' }] });
  } finally {
    await asking.close();
  }
});
