// Shared bits of the approval tests: a sample "ask" call, configs and a private temporary state dir.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApprovalConfig } from '../../src/config/types.js';
import type { ApprovalRequest, TicketStore, TicketView } from '../../src/approval/index.js';

export function askRequest(overrides: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return {
    agent: 'claude-code',
    session: 'session-1',
    environment: 'prod',
    server: 'fs',
    tool: 'write_file',
    arguments: { path: 'notes/todo.md', content: 'ship it <b>now</b>' },
    reasons: [
      {
        layer: 'safety',
        decision: 'ask',
        rule: 'safety: standard',
        source: 'gateway.yaml:14:5',
        message: 'Calls that write need approval in environment "prod"',
      },
    ],
    ...overrides,
  };
}

export function approvalConfig(overrides: Partial<ApprovalConfig> = {}): ApprovalConfig {
  return { timeoutMs: 60_000, channels: ['elicitation', 'console'], nonInteractive: 'deny', ...overrides };
}

/** A fresh state directory, removed by the returned cleanup. */
export async function tempDir(prefix = 'warden-approvals-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Waits until the store holds a pending ticket (the approver saves it asynchronously). */
export async function pendingTicket(store: TicketStore, predicate: (t: TicketView) => boolean = () => true): Promise<TicketView> {
  for (let i = 0; i < 200; i++) {
    const found = (await store.list()).find((t) => t.state === 'pending' && predicate(t));
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('No pending ticket appeared');
}
