// Hot reload for `serve`: read gateway.yaml again (on a file change or SIGHUP), validate it with the
// same loader as at start, and swap it into the holder only when it is valid. An invalid file leaves
// the running config in place, marked stale, and its located errors go to the operator's log.
import { readFile } from 'node:fs/promises';
import { isWardenError } from '../errors.js';
import { loadConfig, parseConfig, type ConfigHolder, type ResolvedConfig } from '../config/index.js';

export interface ReloaderOptions {
  holder: ConfigHolder;
  /** Variables for ${VAR} expansion, and the directory relative paths were resolved against, as at start. */
  env: Record<string, string | undefined>;
  cwd: string;
  /** What a new config must also satisfy to run in this process (its environment exists, ...); throws WardenError. */
  check?(config: ResolvedConfig): void;
  log: (message: string) => void;
}

/** Settings read once at start-up: a reload that changes them says they wait for a restart. */
const RESTART_ONLY = ['http', 'audit', 'approval', 'defaultEnvironment'] as const;

export class ConfigReloader {
  readonly #options: ReloaderOptions;
  /** The text last read, so that a watch event for the same content (an audit write's echo, a touch) does nothing. */
  #lastText: string | undefined;
  #running: Promise<void> | undefined;
  #again: { reason: string; force: boolean } | undefined;

  constructor(options: ReloaderOptions, startText?: string) {
    this.#options = options;
    this.#lastText = startText;
  }

  /**
   * Reloads now, or once the reload under way has ended (several requests meanwhile make one more).
   * `force` reloads even when the file's text is what was last read (SIGHUP: the operator asked).
   */
  request(reason: string, options: { force?: boolean } = {}): Promise<void> {
    const force = Boolean(options.force);
    if (this.#running) {
      this.#again = { reason, force: force || Boolean(this.#again?.force) };
      return this.#running;
    }
    this.#running = this.#reload(reason, force).finally(() => {
      this.#running = undefined;
      const again = this.#again;
      this.#again = undefined;
      if (again) void this.request(again.reason, { force: again.force });
    });
    return this.#running;
  }

  async #reload(reason: string, force: boolean): Promise<void> {
    const { holder, env, cwd, log } = this.#options;
    const running = holder.current();
    const text = await readFile(running.file, 'utf8').catch(() => undefined);
    if (!force && text !== undefined && text === this.#lastText) return;
    this.#lastText = text;
    let next: ResolvedConfig;
    try {
      // An unreadable file is reported by the loader itself, in the same words as at start.
      next = text === undefined ? await loadConfig({ file: running.file, env, cwd }) : parseConfig(text, { file: running.file, env, cwd });
      this.#options.check?.(next);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      holder.failed(message, whereOf(error));
      log(`config reload (${reason}) failed; still serving generation ${holder.state().generation}, now stale:\n${message}`);
      return;
    }
    const waiting = RESTART_ONLY.filter((key) => JSON.stringify(running[key]) !== JSON.stringify(next[key]));
    const errors = holder.replace(next);
    const { generation } = holder.state();
    log(`config reloaded (${reason}): generation ${generation}${waiting.length ? `; changes to ${waiting.map(sectionName).join(', ')} take effect after a restart` : ''}`);
    for (const error of errors) log(`applying config generation ${generation}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Where a failed load went wrong, without the values: locations and key paths only, safe for /readyz. */
function whereOf(error: unknown): string[] {
  if (!isWardenError(error)) return ['internal error'];
  if (error.issues.length === 0) return [error.code];
  return error.issues.map((issue) => `${issue.file}:${issue.line}:${issue.column}${issue.path ? ` ${issue.path}` : ''}`);
}

function sectionName(key: (typeof RESTART_ONLY)[number]): string {
  return key === 'defaultEnvironment' ? '"default_environment"' : `"${key}"`;
}
