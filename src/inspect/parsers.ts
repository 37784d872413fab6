// Loads the WASM parsers (tree-sitter-bash, libpg-query) once per process and shares them, so a check
// after warm-up is a synchronous parse with no I/O.
import { createRequire } from 'node:module';
import { Language, Parser } from 'web-tree-sitter';
import { loadModule } from 'libpg-query';

const require = createRequire(import.meta.url);

let bash: Parser | undefined;
let postgresReady = false;
let loading: Promise<void> | undefined;

/** Loads every parser the checks use; safe to call many times, later calls share the first load. */
export function initParsers(): Promise<void> {
  loading ??= load().catch((error: unknown) => {
    // A failed load must not stick: the next call tries again, and checks meanwhile fail closed.
    loading = undefined;
    throw error;
  });
  return loading;
}

async function load(): Promise<void> {
  await Parser.init();
  const language = await Language.load(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'));
  const parser = new Parser();
  parser.setLanguage(language);
  await loadModule();
  bash = parser;
  postgresReady = true;
}

/** The shared bash parser, or undefined before `initParsers` has finished. */
export function bashParser(): Parser | undefined {
  return bash;
}

/** Whether libpg-query's WASM module is loaded, so `parseSync` and `scanSync` may be called. */
export function postgresLoaded(): boolean {
  return postgresReady;
}
