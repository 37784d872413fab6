// Loads the WASM parsers (tree-sitter-bash, libpg-query) once per process and shares them, so a check
// after warm-up is a synchronous parse with no I/O. The packages are imported on first need: a
// gateway with no shell or database server never pays their memory (about 12 MB).
import { createRequire } from 'node:module';
import type { Parser } from 'web-tree-sitter';
import type * as PgQuery from 'libpg-query';

const require = createRequire(import.meta.url);

/** The synchronous entry points of libpg-query, once its WASM module is loaded. */
export type PostgresParser = Pick<typeof PgQuery, 'parseSync' | 'scanSync'>;

let bash: Parser | undefined;
let postgres: PostgresParser | undefined;
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
  const [{ Language, Parser }, pg] = await Promise.all([import('web-tree-sitter'), import('libpg-query')]);
  await Parser.init();
  const language = await Language.load(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'));
  const parser = new Parser();
  parser.setLanguage(language);
  await pg.loadModule();
  bash = parser;
  postgres = { parseSync: pg.parseSync, scanSync: pg.scanSync };
}

/** The shared bash parser, or undefined before `initParsers` has finished. */
export function bashParser(): Parser | undefined {
  return bash;
}

/** Whether libpg-query's WASM module is loaded, so `parseSync` and `scanSync` may be called. */
export function postgresLoaded(): boolean {
  return postgres !== undefined;
}

/** libpg-query's parser, or undefined before `initParsers` has finished. */
export function postgresParser(): PostgresParser | undefined {
  return postgres;
}
