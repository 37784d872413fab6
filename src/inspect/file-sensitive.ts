// Paths create-only never writes, even when new: credentials, shell start-up files, git internals,
// agent and editor config that runs commands later, and system configuration.
import { realpathSync } from 'node:fs';
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
 * Built-in globs no read may touch: credentials, secrets in the environment or memory of processes,
 * shell history and mcp-warden's own state (its console token approves tickets). Narrower than the
 * write list, since reading /etc, /usr or a project's .git is everyday work.
 */
export const SENSITIVE_READ_PATHS = [
  // Keys and cloud, cluster, registry and forge credentials of the user.
  '~/.ssh', '~/.ssh/**', '~/.aws', '~/.aws/**', '~/.gnupg', '~/.gnupg/**', '~/.kube', '~/.kube/**',
  '~/.docker/config.json', '~/.config/gcloud', '~/.config/gcloud/**', '~/.azure', '~/.azure/**',
  '~/.config/gh/hosts.yml', '~/.config/hub', '~/.config/git/credentials', '~/.git-credentials',
  '~/.vault-token', '~/.terraform.d/credentials.tfrc.json', '~/.cargo/credentials', '~/.cargo/credentials.toml',
  '~/.gem/credentials', '~/.config/op/**', '~/.password-store', '~/.password-store/**',
  '~/.local/share/keyrings', '~/.local/share/keyrings/**', '~/.pki/**',
  // Credential files wherever they are: a project's .env or .npmrc holds tokens as often as $HOME's.
  // .env templates (.env.example, .sample, .template, .dist) hold none and are everyday reading.
  '**/.env', '**/.env.!(example|sample|template|dist)', '**/.envrc', '**/.npmrc', '**/.pypirc', '**/.netrc',
  '**/.pgpass', '**/.my.cnf', '**/.git-credentials',
  '**/id_rsa*', '**/id_dsa*', '**/id_ecdsa*', '**/id_ed25519*', '/etc/ssh/ssh_host_*_key',
  '/etc/shadow', '/etc/gshadow', '/etc/shadow-', '/etc/gshadow-', '/etc/sudoers', '/etc/sudoers.d/**',
  // Shell and REPL history: commands typed with secrets in them.
  '**/.*_history', '**/.history', '~/.local/share/fish/fish_history',
  // Other processes' secrets: environment, memory, command line (tokens passed as arguments), and
  // descriptors the gateway cannot see the target of. /proc/*/task/*/… are the same files per thread.
  '/proc/**/environ', '/proc/**/mem', '/proc/**/cmdline', '/proc/**/fd', '/proc/**/fd/**',
  '/proc/kcore', '/dev/mem', '/dev/kmem', '/dev/port', '/dev/fd/!(0|1|2)',
  // mcp-warden's own state: the console token and ticket answers.
  '~/.mcp-warden', '~/.mcp-warden/**',
];

/** Where a built-in glob comes from, for the reason a denial cites. */
export const BUILT_IN_SOURCE = 'built-in sensitive paths';

export type SensitiveMatcher = (absolute: string) => string | undefined;

/** A sensitive glob as configured (`~/.ssh/**`) and as matched (home expanded, relative ones anchored). */
export interface SensitiveGlob {
  glob: string;
  expanded: string;
}

interface Compiled {
  matcher: SensitiveMatcher;
  globs: SensitiveGlob[];
}

const cache = new Map<string, Compiled>();

/** A matcher over built-in plus configured globs; returns the glob that matched. Case-insensitive,
 * since macOS and Windows file systems are. */
export function sensitiveMatcher(extra: readonly string[] = []): SensitiveMatcher {
  return compiledOver('write', SENSITIVE_PATHS, extra).matcher;
}

/** The same for reads: the built-in read list plus configured globs (which guard reads and writes). */
export function sensitiveReadMatcher(extra: readonly string[] = []): SensitiveMatcher {
  return compiledOver('read', SENSITIVE_READ_PATHS, extra).matcher;
}

/** Every glob `sensitiveReadMatcher(extra)` matches with, expanded. */
export function sensitiveReadGlobs(extra: readonly string[] = []): readonly SensitiveGlob[] {
  return compiledOver('read', SENSITIVE_READ_PATHS, extra).globs;
}

/** Where a glob the matcher returned was written: the config location, or the built-in list. */
export function sensitiveSource(glob: string, sources: Readonly<Record<string, string>> = {}): string {
  if (Object.hasOwn(sources, glob)) return sources[glob] as string;
  if (stateDirGlobs().includes(glob)) return 'built-in (the state directory, $MCP_WARDEN_STATE_DIR)';
  return BUILT_IN_SOURCE;
}

function compiledOver(kind: string, builtIn: readonly string[], extra: readonly string[]): Compiled {
  const home = homedir();
  const key = [kind, home, process.env.MCP_WARDEN_STATE_DIR ?? '', ...extra].join('\n');
  let compiled = cache.get(key);
  if (!compiled) {
    const globs = [...builtIn, ...stateDirGlobs(), ...extra].map((glob) => ({
      glob,
      expanded: glob === '~' || glob.startsWith('~/') ? path.join(home, glob.slice(1)) : anchored(glob),
    }));
    const tests = globs.map((entry) => ({ glob: entry.glob, test: picomatch(entry.expanded, { dot: true, nocase: true }) }));
    compiled = { matcher: (absolute) => tests.find((entry) => entry.test(absolute))?.glob, globs };
    if (cache.size > 100) cache.clear();
    cache.set(key, compiled);
  }
  return compiled;
}

/** The approvals state directory when moved with $MCP_WARDEN_STATE_DIR (see src/approval/state-dir.ts). */
function stateDirGlobs(): string[] {
  const dir = process.env.MCP_WARDEN_STATE_DIR;
  if (!dir) return [];
  const absolute = path.resolve(dir);
  let real = absolute;
  try {
    real = realpathSync(absolute);
  } catch {
    // Not created yet: the lexical path is all there is.
  }
  return [...new Set([absolute, real])].flatMap((base) => [base, `${base}/**`]);
}

// A configured glob written relative (`secrets/**`) matches at any depth.
function anchored(glob: string): string {
  return glob.startsWith('/') || glob.startsWith('**') ? glob : `**/${glob}`;
}
