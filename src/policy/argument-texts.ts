// Collects every text in a call's arguments that dangerous patterns are matched on: string values,
// object keys, stringified numbers and booleans, at any depth, plus each all-primitive array joined
// with spaces (an argv like ["rm", "-rf", "/"] reads as "rm -rf /").

/** Over this many characters in total, the arguments are refused rather than scanned in part. */
export const MAX_SCAN_CHARS = 1024 * 1024;

export type CollectedTexts = { tooLarge: false; texts: string[] } | { tooLarge: true; size: number };

/** The texts of `args`, or tooLarge once their total size passes `MAX_SCAN_CHARS`. Never recurses. */
export function collectTexts(args: unknown, extra: readonly string[] = []): CollectedTexts {
  const texts: string[] = [];
  let size = 0;
  const add = (text: string): boolean => {
    size += text.length;
    texts.push(text);
    return size <= MAX_SCAN_CHARS;
  };
  for (const text of extra) if (typeof text === 'string' && !add(text)) return { tooLarge: true, size };

  // An explicit stack: deeply nested JSON must not overflow the call stack, and a seen-set stops a
  // cyclic object (which JSON cannot produce, but a caller might) from looping forever.
  const stack: unknown[] = [args];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') {
      if (!add(value)) return { tooLarge: true, size };
    } else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
      if (!add(String(value))) return { tooLarge: true, size };
    } else if (typeof value === 'object' && value !== null && !seen.has(value)) {
      seen.add(value);
      if (Array.isArray(value)) {
        for (let i = value.length - 1; i >= 0; i--) stack.push(value[i]);
        // Derived text: it does not count towards the size, which measures what the caller sent.
        if (value.length > 1 && value.every(isPrimitive)) texts.push(value.map(String).join(' '));
      } else {
        for (const key of Object.keys(value)) {
          if (!add(key)) return { tooLarge: true, size };
          stack.push((value as Record<string, unknown>)[key]);
        }
      }
    }
  }
  return { tooLarge: false, texts };
}

function isPrimitive(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
