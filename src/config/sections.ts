// Validates gateway.yaml section by section, so that one broken entry does not hide problems in the
// rest of the file: resolution goes on with the valid entries and skips anything that relies on a broken one.
import type { z } from 'zod';

export interface Section<T> {
  /** Entries that passed validation. */
  valid: Map<string, T>;
  /** Every name written, valid or not, so references to a broken entry are not reported as unknown. */
  names: Set<string>;
  /** Entries that failed validation, as written, for the checks that still make sense on them. */
  invalid: Map<string, unknown>;
}

/** The valid entries of a mapping section such as `profiles`; the whole-file validation reports the rest. */
export function section<T>(data: Record<string, unknown>, key: string, schema: z.ZodType<T>): Section<T> {
  const value = data[key];
  const result: Section<T> = { valid: new Map(), names: new Set(), invalid: new Map() };
  if (!isRecord(value)) return result;
  for (const [name, entry] of Object.entries(value)) {
    result.names.add(name);
    const parsed = schema.safeParse(entry);
    if (parsed.success) result.valid.set(name, parsed.data);
    else result.invalid.set(name, entry);
  }
  return result;
}

/** A single-valued section such as `policy`, or undefined when it is absent or invalid. */
export function single<T>(data: Record<string, unknown>, key: string, schema: z.ZodType<T>): T | undefined {
  if (data[key] === undefined) return undefined;
  const parsed = schema.safeParse(data[key]);
  return parsed.success ? parsed.data : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `extends` list of an entry that failed validation, when it is still a list of names. */
export function extendsOf(entry: unknown): string[] {
  if (!isRecord(entry) || !Array.isArray(entry.extends)) return [];
  const list: unknown[] = entry.extends;
  return list.every((ref): ref is string => typeof ref === 'string') ? list : [];
}
