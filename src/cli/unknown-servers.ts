// `check`'s warnings about rules that name a server the config does not define: such a rule matches
// nothing, so `deny: ["filesystem/write_file"]` beside a server called `fs` silently denies nothing.
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import type { ConfigIssue } from '../errors.js';
import { closest } from '../config/index.js';
import { SourceMap, type KeyPath } from '../config/source-map.js';

/** The lists whose entries are `server/tool` globs (or `resource:` / `prompt:` rules). */
const RULE_LISTS = new Set(['allow', 'ask', 'deny', 'required_tools']);
/** A server part with any of these matches by wildcard, which is fine whatever the servers are called. */
const GLOB_CHARS = /[*?[\]{}()!+@]/;

/** One issue per rule in `file` (profiles, agents, environments, ceilings) that names an unknown server. */
export async function unknownServerRules(file: string, shown: string, servers: readonly string[]): Promise<ConfigIssue[]> {
  const lines = new LineCounter();
  const doc = parseDocument(await readFile(file, 'utf8'), { lineCounter: lines });
  const map = new SourceMap(doc, lines, shown);
  const data = doc.toJS() as Record<string, unknown> | null;
  const issues: ConfigIssue[] = [];
  const consider = (pattern: unknown, path: KeyPath, key = false): void => {
    if (typeof pattern !== 'string') return;
    const server = serverOf(pattern);
    if (server === undefined || GLOB_CHARS.test(server) || servers.includes(server)) return;
    // Spelling slips are caught by edit distance; a short name for a long one (`fs` for `filesystem`)
    // is not, so a server sharing the first letter is suggested when it is the only one.
    const sameInitial = servers.filter((name) => name[0]?.toLowerCase() === server[0]?.toLowerCase());
    const suggestion = closest(server, servers) ?? (sameInitial.length === 1 ? sameInitial[0] : undefined);
    const hint = suggestion ? `did you mean "${suggestion}"?` : `the servers are ${servers.map((s) => `"${s}"`).join(', ') || '(none)'}`;
    issues.push(map.issue(path, `rule "${pattern}" names server "${server}", which is not defined, so it matches nothing; ${hint}`, { key }));
  };
  const walk = (value: unknown, path: KeyPath): void => {
    if (Array.isArray(value)) {
      if (RULE_LISTS.has(String(path.at(-1)))) value.forEach((item, index) => consider(item, [...path, index]));
      else value.forEach((item, index) => walk(item, [...path, index]));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
        if (key === 'ceilings' && inner !== null && typeof inner === 'object') for (const pattern of Object.keys(inner)) consider(pattern, [...path, key, pattern], true);
        else walk(inner, [...path, key]);
      }
    }
  };
  for (const section of ['profiles', 'agents', 'environments', 'policy', 'approval']) walk(data?.[section], [section]);
  return issues;
}

/** `fs` of `fs/write_file`, `resource:fs/file:///x` and `prompt:fs/greet`; undefined without a server part. */
function serverOf(pattern: string): string | undefined {
  const rule = pattern.replace(/^(resource|prompt):/, '');
  const slash = rule.indexOf('/');
  return slash > 0 ? rule.slice(0, slash) : undefined;
}
