// The agent's clientInfo is its own unverified word, shown to people in tickets, on the console card,
// in webhooks and in the audit. Each attack input and exactly what mcp-warden keeps of it.
import { expect, test } from 'vitest';
import { CLIENT_NAME_MAX, CLIENT_VERSION_MAX, clientIdentity, type InitializeParams } from '../../src/front/initialize.js';

function params(name: string, version = '1.0.0'): InitializeParams {
  return { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name, version } };
}

test.each([
  ['claude-code', 'claude-code'],
  ['Claude Code (VS Code)', 'Claude Code (VS Code)'],
  // A newline would start a fake line in a ticket listing or a Slack message.
  ['claude-code\nApproved by: alice', 'claude-code Approved by: alice'],
  ['a\r\n\r\nb\tc', 'a b c'],
  // Right-to-left override: "evil\u202Eedoc-edualc" would read as "evilclaude-code" reversed.
  ['evil\u202Eedoc-edualc', 'evil edoc-edualc'],
  ['\u2066isolate\u2069 \u200Bzero\u200Dwidth\uFEFF', 'isolate zero width'],
  ['line\u2028separator\u2029para', 'line separator para'],
  ['esc\u001b[31mred\u001b[0m', 'esc [31mred [0m'],
  ['\u0000\u0007\u007f', ''],
  ['lone \uD800 surrogate', 'lone surrogate'],
  ['日本語クライアント', '日本語クライアント'],
])('the name %j is kept as %j', (name, kept) => {
  expect(clientIdentity(params(name))?.name).toBe(kept);
});

test('a 100 KB name is cut to 64 characters ending in an ellipsis; a long version to 32', () => {
  const kept = clientIdentity(params('x'.repeat(100 * 1024), '1.'.repeat(50_000)))!;
  expect(kept.name).toBe(`${'x'.repeat(CLIENT_NAME_MAX - 1)}…`);
  expect(kept.version).toBe(`${'1.'.repeat(15)}1…`);
  expect([...kept.name]).toHaveLength(64);
  expect([...kept.version]).toHaveLength(CLIENT_VERSION_MAX);
});

test('the cut counts characters, not UTF-16 units, and never splits a pair', () => {
  const kept = clientIdentity(params('🤖'.repeat(100)))!.name;
  expect(kept).toBe(`${'🤖'.repeat(63)}…`);
  expect(kept).not.toMatch(/\p{Cs}/u); // no half of a surrogate pair left
});

test('a name of exactly 64 characters is kept whole; a name padded with unseen characters past the bound is cut', () => {
  expect(clientIdentity(params('n'.repeat(64)))!.name).toBe('n'.repeat(64));
  expect(clientIdentity(params(`short${'\u200B'.repeat(100_000)}`))!.name).toBe('short…');
});

test('no clientInfo, nothing kept', () => {
  expect(clientIdentity(undefined)).toBeUndefined();
});
