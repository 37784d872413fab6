// Timestamped copies of a client's config, written next to it before connect changes it, and the
// restore that disconnect performs. A file that did not exist is backed up as an empty `.absent`
// marker, so restoring it removes what connect created.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const INFIX = '.warden-backup-';
const ABSENT = '.absent';

/** A sortable stamp for backup names: ISO time with `:` and `.` replaced, safe on every filesystem. */
export function backupStamp(now = new Date()): string {
  return now.toISOString().replace(/[:.]/g, '-');
}

/** Copies `file` (or notes its absence) to `<file>.warden-backup-<stamp>`; returns the backup's path. */
export function backupFile(file: string, stamp: string): string {
  if (!existsSync(file)) {
    const marker = `${file}${INFIX}${stamp}${ABSENT}`;
    writeFileSync(marker, '');
    return marker;
  }
  const copy = `${file}${INFIX}${stamp}`;
  writeFileSync(copy, readFileSync(file), { mode: 0o600 });
  return copy;
}

/** The newest backup of `file`, if any. */
export function newestBackup(file: string): string | undefined {
  const dir = dirname(file);
  if (!existsSync(dir)) return undefined;
  const prefix = `${basename(file)}${INFIX}`;
  const stamps = readdirSync(dir)
    .filter((name) => name.startsWith(prefix))
    .sort((a, b) => stampOf(a, prefix).localeCompare(stampOf(b, prefix)));
  return stamps.length > 0 ? join(dir, stamps.at(-1)!) : undefined;
}

function stampOf(name: string, prefix: string): string {
  return name.slice(prefix.length).replace(ABSENT, '');
}

/** Puts `file` back as its newest backup had it; returns the backup used, or undefined when there is none. */
export function restoreFile(file: string): string | undefined {
  const backup = newestBackup(file);
  if (!backup) return undefined;
  if (backup.endsWith(ABSENT)) rmSync(file, { force: true });
  else writeFileSync(file, readFileSync(backup));
  return backup;
}
