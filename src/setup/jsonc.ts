// Reads the JSON and JSONC files MCP clients keep their settings in. No JSONC parser is a dependency,
// so comments and trailing commas are blanked out (strings respected, line numbers kept) before
// JSON.parse; a file that still does not parse is an error naming the file, line and column.
import { existsSync, readFileSync } from 'node:fs';
import { WardenError } from '../errors.js';

/** `text` with `//` and `/* *\/` comments and trailing commas replaced by spaces; offsets and lines unchanged. */
export function stripJsonc(text: string): string {
  const out = text.split('');
  let index = 0;
  while (index < text.length) {
    const char = text[index]!;
    if (char === '"') {
      index = skipString(text, index);
    } else if (text.startsWith('//', index)) {
      while (index < text.length && text[index] !== '\n') out[index++] = ' ';
    } else if (text.startsWith('/*', index)) {
      const end = text.indexOf('*/', index + 2);
      const stop = end < 0 ? text.length : end + 2;
      for (; index < stop; index++) if (text[index] !== '\n') out[index] = ' ';
    } else if (char === ',') {
      const next = nextSignificant(text, index + 1);
      if (text[next] === '}' || text[next] === ']') out[index] = ' ';
      index++;
    } else {
      index++;
    }
  }
  return out.join('');
}

/** The index just after the string that starts at `start`. */
function skipString(text: string, start: number): number {
  let index = start + 1;
  while (index < text.length && text[index] !== '"') index += text[index] === '\\' ? 2 : 1;
  return index + 1;
}

/** The index of the next character that is neither whitespace nor inside a comment. */
function nextSignificant(text: string, start: number): number {
  let index = start;
  while (index < text.length) {
    if (/\s/.test(text[index]!)) index++;
    else if (text.startsWith('//', index)) while (index < text.length && text[index] !== '\n') index++;
    else if (text.startsWith('/*', index)) {
      const end = text.indexOf('*/', index + 2);
      index = end < 0 ? text.length : end + 2;
    } else break;
  }
  return index;
}

/** Parses JSON or JSONC text; a syntax error becomes CONFIG_INVALID located at FILE:LINE:COL. */
export function parseJsonc(text: string, file: string): unknown {
  const stripped = stripJsonc(text);
  if (stripped.trim() === '') return {};
  try {
    return JSON.parse(stripped);
  } catch (error) {
    const { line, column } = locate(stripped, (error as Error).message);
    throw new WardenError('CONFIG_INVALID', `${file}:${line}:${column} is not valid JSON: ${(error as Error).message}; fix the file and run again`, {
      cause: error,
    });
  }
}

/** Line and column (1-based) of the offset V8 puts in its message ("at position N" or "line L column C"). */
function locate(text: string, message: string): { line: number; column: number } {
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  if (lineColumn) return { line: Number(lineColumn[1]), column: Number(lineColumn[2]) };
  const position = /position (\d+)/.exec(message);
  const offset = position ? Number(position[1]) : text.length;
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

/** The parsed file, or undefined when it does not exist. */
export function readJsoncFile(file: string): unknown {
  if (!existsSync(file)) return undefined;
  return parseJsonc(readFileSync(file, 'utf8'), file);
}
