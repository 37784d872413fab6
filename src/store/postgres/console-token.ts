// The approval console's token, kept in the store so that every replica serves the same one and one
// console link works whichever replica the load balancer picks. The first replica to start creates
// it; the others read it.
import { randomBytes } from 'node:crypto';
import type { PostgresConnection } from './connection.js';

const KEY = 'console_token';

/** The shared console token (256 random bits), created by whichever replica asks first. */
export async function loadSharedConsoleToken(db: PostgresConnection): Promise<string> {
  const candidate = randomBytes(32).toString('base64url');
  // Insert-if-absent then read: two replicas racing both end up with the one row that won.
  await db.query('INSERT INTO warden_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [KEY, candidate]);
  const { rows } = await db.query<{ value: string }>('SELECT value FROM warden_settings WHERE key = $1', [KEY]);
  const token = rows[0]?.value;
  if (!token) throw new Error('The console token could not be read back from the PostgreSQL store');
  return token;
}
