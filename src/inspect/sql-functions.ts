// SQL functions that change state, reach outside the database, wait, or run SQL given as text.
// A denylist can never be complete (any user-defined function may write); see docs/inspection.md.

const UNSAFE_NAMES = new Set([
  // PostgreSQL: settings, sequences, sessions, transaction ids, SQL-in-a-string.
  'set_config', 'nextval', 'setval', 'setseed', 'txid_current', 'ts_stat', 'ts_rewrite',
  // tablefunc: builds and runs a query from its text arguments.
  'connectby',
  'query_to_xml', 'query_to_xmlschema', 'query_to_xml_and_xmlschema',
  'cursor_to_xml', 'cursor_to_xmlschema',
  'table_to_xml', 'table_to_xmlschema', 'table_to_xml_and_xmlschema',
  'schema_to_xml', 'schema_to_xmlschema', 'schema_to_xml_and_xmlschema',
  'database_to_xml', 'database_to_xmlschema', 'database_to_xml_and_xmlschema',
  // MySQL: files, waits, locks, UDF shells.
  'sleep', 'benchmark', 'get_lock', 'release_lock', 'release_all_locks', 'load_file', 'sys_exec', 'sys_eval',
  'master_pos_wait', 'source_pos_wait', 'wait_for_executed_gtid_set', 'wait_until_sql_thread_after_gtids',
  // SQLite (and its shell): extensions, files, editors.
  'load_extension', 'writefile', 'readfile', 'fts3_tokenizer', 'edit',
]);

/** Name prefixes that are unsafe as a family: large objects, dblink, HTTP extensions, copy helpers. */
const UNSAFE_PREFIXES = ['lo_', 'dblink', 'http_', 'copy_', 'binary_upgrade_', 'crosstab'];

// PostgreSQL's pg_* functions include pg_terminate_backend, pg_read_file, pg_sleep and many more
// admin functions, so the whole family is refused except these introspection ones.
const SAFE_PG_NAMES = new Set([
  'pg_typeof', 'pg_size_pretty', 'pg_size_bytes', 'pg_relation_size', 'pg_table_size', 'pg_indexes_size',
  'pg_total_relation_size', 'pg_database_size', 'pg_tablespace_size', 'pg_column_size', 'pg_backend_pid',
  'pg_postmaster_start_time', 'pg_conf_load_time', 'pg_is_in_recovery', 'pg_last_xact_replay_timestamp',
  'pg_current_wal_lsn', 'pg_current_wal_insert_lsn', 'pg_wal_lsn_diff', 'pg_has_role', 'pg_encoding_to_char',
  'pg_char_to_encoding', 'pg_client_encoding', 'pg_jit_available', 'pg_tablespace_location', 'pg_blocking_pids',
  'pg_describe_object', 'pg_identify_object', 'pg_identify_object_as_address', 'pg_index_column_has_property',
  'pg_index_has_property', 'pg_indexam_has_property', 'pg_options_to_table', 'pg_column_compression',
  'pg_input_is_valid', 'pg_input_error_info', 'pg_current_snapshot', 'pg_snapshot_xmin', 'pg_snapshot_xmax',
  'pg_snapshot_xip', 'pg_visible_in_snapshot', 'pg_xact_status', 'pg_trigger_depth', 'pg_my_temp_schema',
  'pg_is_other_temp_schema', 'pg_listening_channels', 'pg_partition_root', 'pg_partition_tree',
  'pg_partition_ancestors', 'pg_relation_filenode', 'pg_relation_filepath', 'pg_settings_get_flags',
]);
const SAFE_PG_PREFIXES = ['pg_get_', 'pg_stat_get_'];

export interface UnsafeFunctions {
  /** Unqualified lowercase names from config. */
  names: Set<string>;
  /** Schema-qualified lowercase names from config (`app.purge`). */
  qualified: Set<string>;
}

/** Compiles config's `unsafeFunctions` entries. */
export function compileUnsafe(extra: readonly string[] | undefined): UnsafeFunctions {
  const names = new Set<string>();
  const qualified = new Set<string>();
  for (const entry of extra ?? []) {
    const name = entry.trim().toLowerCase().replace(/"/g, '').replace(/\(\)$/, '');
    if (!name) continue;
    (name.includes('.') ? qualified : names).add(name);
  }
  return { names, qualified };
}

/**
 * Why calling this function is refused, or undefined. `parts` is the name as written, possibly
 * schema-qualified; comparison is case-insensitive because quoting only changes case.
 */
export function unsafeFunction(parts: readonly string[], extra: UnsafeFunctions): string | undefined {
  const lowered = parts.map((part) => part.toLowerCase());
  const name = lowered[lowered.length - 1] ?? '';
  const full = lowered.join('.');
  const unsafe =
    UNSAFE_NAMES.has(name) ||
    UNSAFE_PREFIXES.some((prefix) => name.startsWith(prefix)) ||
    (name.startsWith('pg_') && !SAFE_PG_NAMES.has(name) && !SAFE_PG_PREFIXES.some((prefix) => name.startsWith(prefix)) && !name.endsWith('_is_visible')) ||
    extra.names.has(name) ||
    extra.qualified.has(full);
  return unsafe ? `function "${parts.join('.')}" has side effects` : undefined;
}
