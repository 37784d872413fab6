// Paths create-only never writes, even when new: credentials, shell start-up files, git internals,
// agent and editor config that runs commands later, and system configuration.
import { homedir } from 'node:os';
import path from 'node:path';
import picomatch from 'picomatch';

/** Built-in sensitive globs; `~` is the home directory of the gateway's user. */
export const SENSITIVE_PATHS = [
  '~/.ssh', '~/.ssh/**', '~/.aws', '~/.aws/**', '~/.gnupg', '~/.gnupg/**', '~/.kube/**', '~/.docker/**',
  '~/.config/gcloud/**', '~/.azure/**', '~/.config/git/**', '~/.config/fish/**', '~/.config/autostart/**',
  '~/.config/systemd/**', '~/.local/bin/**', '~/.bashrc', '~/.zshrc', '~/.profile', '~/.bash_profile',
  '~/.bash_login', '~/.bash_logout', '~/.zprofile', '~/.zshenv', '~/.zlogin', '~/.inputrc',
  '**/.env', '**/.env*', '**/.git', '**/.git/**', '**/.gitconfig', '**/.npmrc', '**/.yarnrc*', '**/.netrc',
  '**/.pypirc', '**/.pgpass', '**/.my.cnf', '**/id_rsa*', '**/id_dsa*', '**/id_ecdsa*', '**/id_ed25519*',
  '**/authorized_keys', '**/known_hosts', '**/.bashrc', '**/.zshrc', '**/.profile', '**/.bash_profile',
  '**/.mcp.json', '**/.claude/**', '**/.cursor/**', '**/.vscode/tasks.json', '**/.vscode/settings.json',
  '/etc', '/etc/**', '/usr/**', '/bin/**', '/sbin/**', '/boot/**', '/var/spool/cron/**',
  // mcp-warden's own state: a new file there is an answer to an approval ticket.
  '~/.mcp-warden', '~/.mcp-warden/**',
];

/**
 * Built-in globs no read may touch: credentials, secrets in the environment of processes, shell
 * history and mcp-warden's own state (its console token approves tickets). Narrower than the write
 * list, since reading /etc or /usr is everyday work.
 */
export const SENSITIVE_READ_PATHS = [
  '~/.ssh', '~/.ssh/**', '~/.aws/**', '~/.gnupg/**', '~/.kube/**', '~/.docker/config.json', '~/.npmrc',
  '**/.env', '**/.env.*', '**/.netrc', '**/.pgpass', '**/id_rsa*', '**/id_dsa*', '**/id_ecdsa*', '**/id_ed25519*',
  '**/.bash_history', '**/.zsh_history', '**/.*_history', '/proc/*/environ', '/proc/*/mem',
  '~/.mcp-warden', '~/.mcp-warden/**',
];

export type SensitiveMatcher = (absolute: string) => string | undefined;

const cache = new Map<string, SensitiveMatcher>();

/** A matcher over built-in plus configured globs; returns the glob that matched. Case-insensitive,
 * since macOS and Windows file systems are. */
export function sensitiveMatcher(extra: readonly string[] = []): SensitiveMatcher {
  return matcherOver('write', SENSITIVE_PATHS, extra);
}

/** The same for reads: the built-in read list plus configured globs (which guard reads and writes). */
export function sensitiveReadMatcher(extra: readonly string[] = []): SensitiveMatcher {
  return matcherOver('read', SENSITIVE_READ_PATHS, extra);
}

function matcherOver(kind: string, builtIn: readonly string[], extra: readonly string[]): SensitiveMatcher {
  const key = [kind, process.env.MCP_WARDEN_STATE_DIR ?? '', ...extra].join('\n');
  let matcher = cache.get(key);
  if (!matcher) {
    const home = homedir();
    const globs = [...builtIn, ...stateDirGlobs(), ...extra];
    const compiled = globs.map((glob) => {
      const expanded = glob === '~' || glob.startsWith('~/') ? path.join(home, glob.slice(1)) : anchored(glob);
      return { glob, test: picomatch(expanded, { dot: true, nocase: true }) };
    });
    matcher = (absolute) => compiled.find((entry) => entry.test(absolute))?.glob;
    if (cache.size > 100) cache.clear();
    cache.set(key, matcher);
  }
  return matcher;
}

/** The approvals state directory when moved with $MCP_WARDEN_STATE_DIR (see src/approval/state-dir.ts). */
function stateDirGlobs(): string[] {
  const dir = process.env.MCP_WARDEN_STATE_DIR;
  if (!dir) return [];
  const absolute = path.resolve(dir);
  return [absolute, `${absolute}/**`];
}

// A configured glob written relative (`secrets/**`) matches at any depth.
function anchored(glob: string): string {
  return glob.startsWith('/') || glob.startsWith('**') ? glob : `**/${glob}`;
}
