// Noticing that gateway.yaml changed. The directory is watched, not the file: editors save by writing a
// temporary file and renaming it over the old one, and a Kubernetes ConfigMap volume swaps a `..data`
// symlink, so a watch on the file itself would follow the old inode and go deaf after the first save.
import { watch, realpathSync, type FSWatcher } from 'node:fs';
import path from 'node:path';

export interface WatchFileOptions {
  /** Called once a burst of changes has been quiet this long. Default 200 ms. */
  debounceMs?: number;
  onChange(): void;
  /** The watch itself failed (the directory went away); reloading by SIGHUP still works. */
  onError?(error: Error): void;
}

/**
 * Calls `onChange` (debounced) when `file` may have changed: written in place, replaced by rename,
 * or swapped through a `..data` symlink. Events for other files in the directory (an audit log
 * beside the config) are ignored. Returns the stop function.
 */
export function watchConfigFile(file: string, options: WatchFileOptions): () => void {
  const debounceMs = options.debounceMs ?? 200;
  let timer: NodeJS.Timeout | undefined;
  const fire = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => options.onChange(), debounceMs);
  };
  const watchers: FSWatcher[] = [];
  const watchDir = (dir: string, names: (name: string) => boolean): void => {
    try {
      const watcher = watch(dir, { persistent: false }, (_event, name) => {
        // Some platforms give no name; then any change in the directory may be ours.
        if (name === null || names(name.toString())) fire();
      });
      watcher.on('error', (error) => options.onError?.(error));
      watchers.push(watcher);
    } catch (error) {
      options.onError?.(error as Error);
    }
  };
  const dir = path.dirname(file);
  const base = path.basename(file);
  // `..data`, `..2026_11_29_10_00_00.123`: the names a ConfigMap volume swaps.
  watchDir(dir, (name) => name === base || name.startsWith('..'));
  // A config that is a symlink to a file elsewhere (not a ConfigMap's own `..data` link) is watched where it lives, too.
  const real = realPath(file);
  if (real && !isInside(path.dirname(real), dir)) watchDir(path.dirname(real), (name) => name === path.basename(real));
  return () => {
    clearTimeout(timer);
    for (const watcher of watchers) watcher.close();
  };
}

function realPath(file: string): string | undefined {
  try {
    return realpathSync(file);
  } catch {
    return undefined;
  }
}

function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith('..' + path.sep) && relative !== '..' && !path.isAbsolute(relative));
}
