// A temporary HOME and project directory for init/connect tests, and a way to run the CLI in them.
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { main } from '../../src/cli/main.js';

export interface Sandbox {
  home: string;
  project: string;
  /** Writes `text` (an object is written as JSON) at a path relative to the sandbox root, e.g. `home/.claude.json`. */
  write(path: string, content: string | object): string;
  /** Runs `mcp-warden ARGS` in the project directory with HOME set; output with paths replaced by <home> and <project>. */
  run(args: string[], env?: Record<string, string>): Promise<{ code: number; out: string; err: string }>;
  /** `text` with the sandbox's paths replaced by <home> and <project>. */
  tidy(text: string): string;
}

export function sandbox(): Sandbox {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'warden-setup-')));
  const home = join(root, 'home');
  const project = join(root, 'project');
  mkdirSync(home);
  mkdirSync(project);
  const tidy = (text: string) => text.replaceAll(project, '<project>').replaceAll(home, '<home>').replace(/warden-backup-[0-9TZ-]+/g, 'warden-backup-<stamp>');
  return {
    home,
    project,
    tidy,
    write(path, content) {
      const file = join(root, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
      return file;
    },
    async run(args, env = {}) {
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(args, { out: (t) => void out.push(t), err: (t) => void err.push(t), env: { HOME: home, ...env }, cwd: project });
      return { code, out: tidy(out.join('\n')), err: tidy(err.join('\n')) };
    },
  };
}
