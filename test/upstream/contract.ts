// The contract every Upstream kind must keep, as one suite run against each kind: in-memory,
// stdio fixture, HTTP and SSE fixtures, and the real server-everything over stdio.
import { afterEach, expect, test } from 'vitest';
import type { Upstream, UpstreamHooks } from '../../src/upstream/types.js';
import { textOf, waitFor } from './helpers.js';

type Args = Record<string, unknown>;

export interface ContractTarget {
  /** Shown in test names. */
  kind: string;
  /** A fresh upstream using `hooks`; the suite closes it. */
  make(options: { hooks: UpstreamHooks; timeoutMs?: number }): Upstream | Promise<Upstream>;
  serverName: string;
  echo: { tool: string; args: Args; text: string };
  /** A call that reports `updates` progress notifications. */
  progress: { tool: string; args: Args; updates: number };
  /** A call that takes several seconds unless cancelled. */
  long: { tool: string; args: Args };
  /** How many cancellations the server has seen, where it can tell. */
  cancellations?: (upstream: Upstream) => Promise<number>;
  /** A call that asks the client for elicitation and returns the answer in its text. */
  elicit: { tool: string; args: Args };
  /** Makes the server send notifications/tools/list_changed. */
  listChanged: (upstream: Upstream) => Promise<unknown>;
  resource: { uri: string; text: RegExp };
  prompt: { name: string; args?: Record<string, string>; text: RegExp };
}

/** Answers server→client requests the way a helpful client would, and records them. */
function recordingHooks(): { hooks: UpstreamHooks; requests: string[]; notifications: string[]; signals: AbortSignal[] } {
  const requests: string[] = [];
  const notifications: string[] = [];
  const signals: AbortSignal[] = [];
  const hooks: UpstreamHooks = {
    onNotification: (notification) => void notifications.push(notification.method),
    onRequest: async (request, { signal }) => {
      requests.push(request.method);
      signals.push(signal);
      if (request.method === 'elicitation/create') return { action: 'accept', content: { name: 'Zed' } };
      if (request.method === 'roots/list') return { roots: [{ uri: 'file:///tmp', name: 'tmp' }] };
      if (request.method === 'sampling/createMessage') return { role: 'assistant', content: { type: 'text', text: 'hi' }, model: 'test' };
      return {};
    },
  };
  return { hooks, requests, notifications, signals };
}

/** Registers the contract tests for one upstream kind. */
export function runUpstreamContract(target: ContractTarget): void {
  const open: Upstream[] = [];
  async function make(hooks: UpstreamHooks = recordingHooks().hooks, timeoutMs?: number): Promise<Upstream> {
    const upstream = await target.make({ hooks, timeoutMs });
    open.push(upstream);
    return upstream;
  }
  afterEach(async () => {
    await Promise.all(open.splice(0).map((upstream) => upstream.close()));
  });
  const name = (what: string): string => `${target.kind}: ${what}`;

  test(name('connect returns what the server announced'), async () => {
    const upstream = await make();
    const info = await upstream.connect();
    expect(info.serverInfo?.name).toBe(target.serverName);
    expect(info.capabilities.tools).toBeDefined();
    // A second connect reuses the connection.
    expect(await upstream.connect()).toEqual(info);
  });

  test(name('lists tools with their schemas'), async () => {
    const upstream = await make();
    const tools = await upstream.listTools();
    const echo = tools.find((tool) => tool.name === target.echo.tool);
    expect(echo?.inputSchema.type).toBe('object');
  });

  test(name('calls a tool'), async () => {
    const upstream = await make();
    const result = await upstream.callTool({ name: target.echo.tool, arguments: target.echo.args });
    expect(textOf(result)).toBe(target.echo.text);
  });

  test(name('relays progress for its own call, and only through onprogress'), async () => {
    const recorder = recordingHooks();
    const upstream = await make(recorder.hooks);
    const progress: number[] = [];
    await upstream.callTool({ name: target.progress.tool, arguments: target.progress.args }, { onprogress: (update) => progress.push(update.progress) });
    expect(progress).toHaveLength(target.progress.updates);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(recorder.notifications).not.toContain('notifications/progress');
  });

  test(name('cancellation rejects with CANCELLED and reaches the server'), async () => {
    const upstream = await make();
    const before = (await target.cancellations?.(upstream)) ?? 0;
    const controller = new AbortController();
    const started = Date.now();
    const call = upstream.callTool({ name: target.long.tool, arguments: target.long.args }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    await expect(call).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(Date.now() - started).toBeLessThan(2000);
    if (target.cancellations) {
      expect(await waitFor(async () => (await target.cancellations!(upstream)) > before, 3000)).toBe(true);
    }
    // The connection survives.
    expect(textOf(await upstream.callTool({ name: target.echo.tool, arguments: target.echo.args }))).toBe(target.echo.text);
  });

  test(name('an already aborted signal never reaches the server'), async () => {
    const upstream = await make();
    await expect(upstream.callTool({ name: target.echo.tool, arguments: target.echo.args }, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'CANCELLED',
    });
  });

  test(name('a call past its deadline fails with UPSTREAM_TIMEOUT'), async () => {
    const upstream = await make();
    await upstream.connect();
    const call = upstream.callTool({ name: target.long.tool, arguments: target.long.args }, { timeoutMs: 300 });
    await expect(call).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    await expect(call).rejects.toThrow(/did not answer "tools\/call" within 300 ms$/);
    expect(textOf(await upstream.callTool({ name: target.echo.tool, arguments: target.echo.args }))).toBe(target.echo.text);
  });

  test(name('server→client elicitation goes through hooks.onRequest'), async () => {
    const recorder = recordingHooks();
    const upstream = await make(recorder.hooks);
    const result = await upstream.callTool({ name: target.elicit.tool, arguments: target.elicit.args });
    expect(JSON.stringify(result.content)).toContain('Zed');
    expect(recorder.requests).toContain('elicitation/create');
    expect(recorder.signals.every((signal) => signal instanceof AbortSignal)).toBe(true);
  });

  test(name('server notifications reach hooks.onNotification'), async () => {
    const recorder = recordingHooks();
    const upstream = await make(recorder.hooks);
    await target.listChanged(upstream);
    expect(await waitFor(() => recorder.notifications.includes('notifications/tools/list_changed'))).toBe(true);
  });

  test(name('passes other requests through: resources/read, prompts/get, ping'), async () => {
    const upstream = await make();
    const read = await upstream.request('resources/read', { uri: target.resource.uri });
    expect(JSON.stringify(read.contents)).toMatch(target.resource.text);
    const prompt = await upstream.request('prompts/get', { name: target.prompt.name, ...(target.prompt.args && { arguments: target.prompt.args }) });
    expect(JSON.stringify(prompt.messages)).toMatch(target.prompt.text);
    expect(await upstream.request('ping', undefined)).toEqual({});
  });

  test(name('close is idempotent and later calls are refused'), async () => {
    const upstream = await make();
    await upstream.connect();
    await Promise.all([upstream.close(), upstream.close()]);
    await upstream.close();
    await expect(upstream.callTool({ name: target.echo.tool, arguments: target.echo.args })).rejects.toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      message: expect.stringMatching(/is closed$/) as string,
    });
  });
}

/** How many cancellations the echo fixture has seen, from its `stats` tool. */
export async function fixtureCancellations(upstream: Upstream): Promise<number> {
  const stats = JSON.parse(textOf(await upstream.callTool({ name: 'stats' }))) as { cancelled: number };
  return stats.cancelled;
}

/** The parts of a ContractTarget shared by every kind that serves the echo fixture's tools. */
export const echoFixtureTarget = {
  echo: { tool: 'echo', args: { text: 'hello' }, text: 'hello' },
  progress: { tool: 'slow', args: { ms: 150, steps: 3 }, updates: 3 },
  long: { tool: 'slow', args: { ms: 5000, steps: 50 } },
  cancellations: fixtureCancellations,
  elicit: { tool: 'ask_user', args: {} },
  listChanged: (upstream: Upstream) => upstream.callTool({ name: 'add_tool', arguments: {} }),
  resource: { uri: 'fixture://hello', text: /Hello from the fixture/ },
  prompt: { name: 'greet', args: { name: 'Ann' }, text: /Please greet Ann/ },
} satisfies Partial<ContractTarget>;
