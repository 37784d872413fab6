// A small SQL tokenizer for MySQL and SQLite text (and for dangerous patterns): it drops comments,
// keeps what MySQL runs inside `/*! … */`, and reports the lexical tricks the parser may read
// differently from the server.

export interface SqlToken {
  text: string;
  kind: 'word' | 'string' | 'identifier' | 'number' | 'punct';
}

export interface LexResult {
  tokens: SqlToken[];
  /** `/*!…` or `/*M!…`: MySQL executes the comment's content, most parsers skip it. */
  executableComment?: string;
  /** A string literal containing a backslash, read differently under NO_BACKSLASH_ESCAPES. */
  backslashString?: string;
  /** MySQL `--` without a following space: MySQL reads two minus signs, most parsers a comment. */
  ambiguousDashes?: boolean;
  /** An unterminated string, identifier or comment. */
  unterminated?: string;
}

export type LexDialect = 'mysql' | 'sqlite' | 'postgres';

/** Tokenizes SQL text for the dialect. Never throws. */
export function lexSql(sql: string, dialect: LexDialect): LexResult {
  const result: LexResult = { tokens: [] };
  let inExecutable = false;
  let i = 0;
  while (i < sql.length) {
    const char = sql[i] as string;
    const next = sql[i + 1];
    if (/\s/.test(char)) {
      i++;
    } else if (char === '-' && next === '-' && (dialect !== 'mysql' || i + 2 >= sql.length || /[\s\x00-\x1f]/.test(sql[i + 2] as string))) {
      i = lineEnd(sql, i);
    } else if (char === '-' && next === '-' && dialect === 'mysql') {
      result.ambiguousDashes = true;
      result.tokens.push({ text: '-', kind: 'punct' });
      i++;
    } else if (char === '#' && dialect === 'mysql') {
      i = lineEnd(sql, i);
    } else if (char === '/' && next === '*') {
      const executable = /^\/\*M?!/.exec(sql.slice(i, i + 4));
      if (executable && dialect === 'mysql') {
        result.executableComment ??= sql.slice(i, i + 20);
        inExecutable = true;
        i += executable[0].length;
        while (i < sql.length && /\d/.test(sql[i] as string)) i++;
        continue;
      }
      const end = commentEnd(sql, i, dialect === 'postgres');
      if (end === -1) {
        result.unterminated ??= sql.slice(i, i + 20);
        break;
      }
      i = end;
    } else if (char === '*' && next === '/' && inExecutable) {
      inExecutable = false;
      i += 2;
    } else if (char === "'" || char === '"' || char === '`' || (char === '[' && dialect === 'sqlite')) {
      const close = char === '[' ? ']' : char;
      const backslashes = dialect === 'mysql' && char !== '`';
      const end = quotedEnd(sql, i, close, backslashes);
      if (end === -1) {
        result.unterminated ??= sql.slice(i, i + 20);
        break;
      }
      const text = sql.slice(i, end);
      const isString = char === "'" || (char === '"' && dialect === 'mysql');
      if (isString && text.includes('\\')) result.backslashString ??= text;
      result.tokens.push(isString ? { text, kind: 'string' } : { text: text.slice(1, -1).split(close + close).join(close), kind: 'identifier' });
      i = end;
    } else if (/[A-Za-z_\u0080-\uffff]/.test(char)) {
      const match = /^[A-Za-z0-9_$\u0080-\uffff]+/.exec(sql.slice(i)) as RegExpExecArray;
      result.tokens.push({ text: match[0], kind: 'word' });
      i += match[0].length;
    } else if (/[0-9]/.test(char)) {
      const match = /^[0-9A-Za-z_.]+/.exec(sql.slice(i)) as RegExpExecArray;
      result.tokens.push({ text: match[0], kind: 'number' });
      i += match[0].length;
    } else {
      result.tokens.push({ text: char, kind: 'punct' });
      i++;
    }
  }
  return result;
}

function lineEnd(sql: string, from: number): number {
  const newline = sql.indexOf('\n', from);
  return newline === -1 ? sql.length : newline + 1;
}

// PostgreSQL nests block comments; MySQL and SQLite end at the first */.
function commentEnd(sql: string, from: number, nested: boolean): number {
  let depth = 0;
  let i = from;
  while (i < sql.length) {
    if (sql.startsWith('/*', i)) {
      depth++;
      i += 2;
      if (!nested && depth > 1) depth = 1;
    } else if (sql.startsWith('*/', i)) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return -1;
}

function quotedEnd(sql: string, from: number, close: string, backslashes: boolean): number {
  let i = from + 1;
  while (i < sql.length) {
    const char = sql[i];
    if (backslashes && char === '\\') {
      i += 2;
    } else if (char === close) {
      if (sql[i + 1] === close && close !== ']') i += 2;
      else return i + 1;
    } else {
      i++;
    }
  }
  return -1;
}

/** Normalised text of tokens: words upper-cased, identifiers unquoted, one space between tokens. */
export function tokensText(tokens: readonly SqlToken[]): string {
  return tokens.map((token) => (token.kind === 'word' ? token.text.toUpperCase() : token.text)).join(' ');
}

/** Upper-cased token texts for matching (identifiers unquoted, strings kept as written). */
export function tokenKeys(tokens: readonly SqlToken[]): string[] {
  return tokens.map((token) => (token.kind === 'string' ? token.text : token.text.toUpperCase()));
}

/** Dangerous patterns (not /regex/) whose tokens appear, in order and adjacent, in the statement. */
export function matchSqlPatterns(keys: readonly string[], patterns: readonly string[]): string[] {
  const matched: string[] = [];
  for (const pattern of patterns) {
    if (/^\/.*\/[a-z]*$/s.test(pattern)) continue;
    const wanted = tokenKeys(lexSql(pattern, 'mysql').tokens);
    if (wanted.length === 0) continue;
    if (containsRun(keys, wanted)) matched.push(pattern);
  }
  return matched;
}

function containsRun(keys: readonly string[], wanted: readonly string[]): boolean {
  outer: for (let start = 0; start + wanted.length <= keys.length; start++) {
    for (let j = 0; j < wanted.length; j++) if (keys[start + j] !== wanted[j]) continue outer;
    return true;
  }
  return false;
}
