// Finds the request id of a JSON-RPC line that will not be parsed whole (too large, not UTF-8), so the
// request it answers or carries can be failed at once instead of waiting out its deadline.

/** One top-level member whose value is a string, number, boolean or null, then the `,` or `}` after it. */
const MEMBER = /\s*"((?:[^"\\]|\\.)*)"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)\s*([,}])/y;

/** `"id": X` as the object's last member (optionally followed by `"jsonrpc": "2.0"`), at the end of the line. */
const ID_AT_END = /[,{]\s*"id"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+)\s*(?:,\s*"jsonrpc"\s*:\s*"2\.0"\s*)?\}\s*$/;

/**
 * The id when it is among the members before the first nested value (`{"jsonrpc":"2.0","id":7,…`,
 * as Python servers write it); undefined as soon as a nested value or the end of `head` comes first.
 */
export function idAtStart(head: Buffer): string | number | undefined {
  return startMembers(head).id;
}

/**
 * The id, and whether the line has a `method` (a request or notification, which answers nothing),
 * from the members before the first nested value: both SDKs write `method` before `params`.
 */
export function startMembers(head: Buffer): { id?: string | number; method?: true } {
  const text = head.toString('utf8');
  const open = /^\s*\{/.exec(text);
  if (!open) return {};
  MEMBER.lastIndex = open[0].length;
  const found: { id?: string | number; method?: true } = {};
  for (let match = MEMBER.exec(text); match; match = MEMBER.exec(text)) {
    if (match[1] === 'method') found.method = true;
    if (match[1] === 'id') {
      const id = asId(match[2]!);
      if (id !== undefined) found.id = id;
      return found;
    }
    if (match[3] === '}') break;
  }
  return found;
}

/** The id when it is the object's last member (`…,"jsonrpc":"2.0","id":7}`, as the TypeScript SDK writes it). */
export function idAtEnd(tail: Buffer): string | number | undefined {
  const match = ID_AT_END.exec(tail.toString('utf8').replace(/\r$/, ''));
  return match ? asId(match[1]!) : undefined;
}

/**
 * The id of a complete line read leniently (invalid UTF-8 repaired), only to say which request failed;
 * `method` is true when the line is itself a request or notification, so it answers nothing.
 */
export function idOfLine(line: Buffer): { id?: string | number; method?: true } {
  let value: unknown;
  try {
    value = JSON.parse(line.toString('utf8'));
  } catch {
    const id = idAtStart(line.subarray(0, 512)) ?? idAtEnd(line.subarray(-512));
    return id === undefined ? {} : { id };
  }
  if (typeof value !== 'object' || value === null) return {};
  const { id, method } = value as { id?: unknown; method?: unknown };
  return {
    ...((typeof id === 'string' || Number.isSafeInteger(id)) && { id: id as string | number }),
    ...(method !== undefined && { method: true as const }),
  };
}

function asId(token: string): string | number | undefined {
  try {
    const id: unknown = JSON.parse(token);
    return typeof id === 'string' || Number.isSafeInteger(id) ? (id as string | number) : undefined;
  } catch {
    return undefined;
  }
}
