// Whether a stdio server could be started, without starting it: its working directory exists and its
// command resolves to an executable file (on the PATH it would get, for a bare name). For /readyz,
// which must not spawn every upstream on every probe.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import type { StdioServerConfig } from '../config/types.js';
import { buildChildEnv } from './child-env.js';

/** Why `server` cannot start, in words naming only its id and command; undefined when it can. */
export async function startProblem(server: StdioServerConfig, extraEnv: Record<string, string> = {}): Promise<string | undefined> {
  if (!(await isDirectory(server.cwd))) return `"${server.id}": working directory does not exist`;
  const { command } = server;
  // A name with a slash is a path (relative ones from the server's cwd, as spawn resolves them); a bare name is looked up on PATH.
  if (command.includes('/') || command.includes(path.sep)) {
    return (await isExecutable(path.resolve(server.cwd, command))) ? undefined : `"${server.id}": command "${command}" is not an executable file`;
  }
  const searchPath = buildChildEnv(server.env, extraEnv).PATH ?? '';
  for (const dir of searchPath.split(path.delimiter)) {
    if (dir && (await isExecutable(path.resolve(server.cwd, dir, command)))) return undefined;
  }
  return `"${server.id}": command "${command}" not found on PATH`;
}

async function isDirectory(dir: string): Promise<boolean> {
  return stat(dir).then((info) => info.isDirectory(), () => false);
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    if (!(await stat(file)).isFile()) return false;
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
