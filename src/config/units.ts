// Durations (`500ms`, `30s`, `2m`, `1h`) and sizes (`512kb`, `4mb`) as written in gateway.yaml.

export const DURATION_PATTERN = /^(\d+)(ms|s|m|h)$/;
export const SIZE_PATTERN = /^(\d+)(b|kb|mb|gb)$/;

const DURATION_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const SIZE_BYTES: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** Milliseconds in a duration the schema has already accepted; throws on anything else. */
export function parseDuration(text: string): number {
  const match = DURATION_PATTERN.exec(text);
  if (!match) throw new Error(`Invalid duration "${text}"`);
  return Number(match[1]) * DURATION_MS[match[2]!]!;
}

/** Bytes in a size the schema has already accepted (binary units: 1kb = 1024 bytes). */
export function parseSize(text: string): number {
  const match = SIZE_PATTERN.exec(text);
  if (!match) throw new Error(`Invalid size "${text}"`);
  return Number(match[1]) * SIZE_BYTES[match[2]!]!;
}
