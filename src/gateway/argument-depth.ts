// How deeply a call's arguments nest. Measured before anything else walks them: JSON.parse accepts
// any depth, but recursive walks (schema validation, the upstream's JSON.stringify, an audit sink)
// overflow the stack somewhere past a few thousand levels, and no tool needs more than a few dozen.

/** Containers (objects and arrays) on the longest path, the arguments object counting as one. */
export const MAX_ARGUMENT_DEPTH = 64;

/** Whether `value` nests containers more than `limit` deep. An explicit stack: any depth is safe. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth > limit) return true;
    // Values, not keys: a key is a string. Own enumerable values only, as JSON would send them.
    const children = Array.isArray(current) ? current : Object.values(current);
    for (const child of children) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}
