// How the console card and `status` say where the session that asked lives.
import { expect, test } from 'vitest';
import { ownerText } from '../../src/approval/owner-text.js';
import { replicaText } from '../../src/status/status-text.js';

test.each([
  [{ pid: 123, host: 'web-1', replica: '3f2a1b9c-0d4e-4f5a-9b6c-7d8e9f0a1b2c' }, 'on replica 3f2a1b9c (host web-1, pid 123)'],
  [{ pid: 4242, host: 'dev-laptop', started: '998877' }, 'on host dev-laptop (pid 4242)'],
])('owner %o reads %s', (owner, text) => {
  expect(ownerText(owner)).toBe(text);
});

test('status names a replica the same way, the id shortened to what the card shows', () => {
  expect(replicaText('3f2a1b9c-0d4e-4f5a-9b6c-7d8e9f0a1b2c', 'web-1', 123)).toBe('replica 3f2a1b9c on host web-1, pid 123');
});
