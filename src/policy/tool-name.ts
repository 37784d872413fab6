// Strict validation of the `server/tool` a call names. A name that is not plainly valid is refused,
// never repaired: normalising it could turn a look-alike into a name an allow rule matches.

/** Per ASCII code: 1 allowed in server ids and tool names, 2 allowed in tool names only ("."). */
const CHARS = new Uint8Array(128);
for (const char of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-') CHARS[char.charCodeAt(0)] = 1;
CHARS['.'.charCodeAt(0)] = 2;

/**
 * Whether every character of `text` is allowed; a table lookup per character, because this runs on
 * every call and a regex costs several times more.
 */
function onlyAllowed(text: string, allowDot: boolean): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const kind = code < 128 ? CHARS[code] : 0;
    if (kind !== 1 && !(kind === 2 && allowDot)) return false;
  }
  return true;
}

/** Why `server` is not a valid server id (`^[A-Za-z0-9_-]{1,64}$`), or undefined when it is. */
export function invalidServerId(server: unknown): string | undefined {
  if (typeof server !== 'string') return 'the server id is not a string';
  if (server.length === 0) return 'the server id is empty';
  if (server.length > 64) return 'the server id is longer than 64 characters';
  if (!onlyAllowed(server, false)) return 'a server id may only hold ASCII letters, digits, "_" and "-"';
  return undefined;
}

/** Why `tool` is not a valid tool name (`^[A-Za-z0-9_.-]{1,128}$`, no leading dot), or undefined when it is. */
export function invalidToolName(tool: unknown): string | undefined {
  if (typeof tool !== 'string') return 'the tool name is not a string';
  if (tool.length === 0) return 'the tool name is empty';
  if (tool.length > 128) return 'the tool name is longer than 128 characters';
  // Refusing a leading dot also refuses `.` and `..`.
  if (tool.charCodeAt(0) === 46) return 'a tool name may not start with "."';
  if (!onlyAllowed(tool, true)) return 'a tool name may only hold ASCII letters, digits, "_", "-" and "."';
  return undefined;
}

/**
 * A name made safe to quote in a message: anything outside printable ASCII is shown as an escape, so a
 * zero-width character or a look-alike is visible to whoever reads the reason.
 */
export function quoteName(name: unknown): string {
  const text = typeof name === 'string' ? name : String(name);
  let out = '';
  for (const char of text.length > 80 ? text.slice(0, 80) : text) {
    const code = char.codePointAt(0)!;
    out += code < 0x20 || code > 0x7e || char === '"' || char === '\\' ? `\\u{${code.toString(16).toUpperCase()}}` : char;
  }
  return `"${out}${text.length > 80 ? '…' : ''}"`;
}
