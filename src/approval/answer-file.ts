// The answer file of the file store: how the first answer is recorded so that exactly one wins across
// processes, and how a recorded answer is read back onto its ticket.
import { link, open, unlink, writeFile } from 'node:fs/promises';
import { withAnswer } from './ticket.js';
import type { Ticket, TicketAnswer } from './types.js';

/** What the answer file holds: the answer and the call it answers. */
export interface AnswerRecord extends TicketAnswer {
  ticketId: string;
  argumentsSha256: string;
  at: number;
}

/**
 * Creates `target` with `content` unless it exists; true when this call created it. The content goes
 * to `temp` first and is hard-linked into place: link(2) fails if the name exists, and readers never
 * see a half-written answer.
 */
export async function writeFirst(target: string, content: string, temp: string): Promise<boolean> {
  await writeFile(temp, content, { mode: 0o600, flag: 'wx' });
  try {
    await link(temp, target);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
    // File systems without hard links: an exclusive create is just as atomic, but readers may see
    // the file before its content, which the store treats as "not yet".
    return await createExclusive(target, content);
  } finally {
    // The temp name is ours alone and unused after the link; a leftover is removed by the store's prune.
    await unlink(temp).catch(() => {});
  }
}

/** The ticket as decided by `record`; an answer that does not match the ticket never approves it. */
export function merge(ticket: Ticket, record: AnswerRecord): Ticket {
  if (record.ticketId !== ticket.id || record.argumentsSha256 !== ticket.argumentsSha256) {
    return withAnswer(ticket, { state: 'denied', channel: record.channel, reason: 'The recorded answer does not match this ticket; denied' }, record.at);
  }
  return withAnswer(ticket, record, record.at);
}

async function createExclusive(path: string, content: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
  return true;
}
