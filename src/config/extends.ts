// `extends` between profiles: unknown references, cycles, and the order in which an agent's profiles
// apply. A profile is applied once, at its first appearance in a depth-first walk of the extends
// lists, after the profiles it extends, so a diamond's shared base is merged once.
import type { ConfigIssue } from '../errors.js';
import type { ProfileLayer } from './profile-layer.js';
import type { KeyPath, SourceMap } from './source-map.js';
import { didYouMean, quoteList } from './suggest.js';

export interface ProfileGraph {
  /** Built-in and user profiles by name (a user profile replaces a built-in of the same name). */
  layers: Map<string, ProfileLayer>;
  /** Profiles that exist but failed validation; references to them are not reported again. */
  broken: Set<string>;
}

/** An issue for every reference in `refs` (written at `at`, an `extends` list) to a profile that does not exist. */
export function checkReferences(refs: readonly string[], at: KeyPath, graph: ProfileGraph, map: SourceMap): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  refs.forEach((ref, index) => {
    if (graph.layers.has(ref) || graph.broken.has(ref)) return;
    const names = [...graph.layers.keys()];
    const hint = didYouMean(ref, names) || `; the profiles are ${quoteList(names)}`;
    issues.push(map.issue([...at, index], `Unknown profile "${ref}"${hint}`));
  });
  return issues;
}

/** One issue per cycle among user profiles, located at the `extends` entry that closes it. */
export function findCycles(graph: ProfileGraph, map: SourceMap): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];

  function visit(name: string): void {
    state.set(name, 'active');
    stack.push(name);
    graph.layers.get(name)?.extends.forEach((ref, index) => {
      if (state.get(ref) === 'active') {
        const cycle = [...stack.slice(stack.indexOf(ref)), ref].join(' -> ');
        issues.push(map.issue(['profiles', name, 'extends', index], `Profile "${name}" extends "${ref}", which closes the cycle "${cycle}"; remove one of these extends`));
      } else if (!state.has(ref) && graph.layers.has(ref)) {
        visit(ref);
      }
    });
    stack.pop();
    state.set(name, 'done');
  }

  for (const [name, layer] of graph.layers) if (!layer.builtin && !state.has(name)) visit(name);
  return issues;
}

/** The profiles `refs` bring in, in the order they apply; `complete` is false when one is missing or broken. */
export function linearize(refs: readonly string[], graph: ProfileGraph): { order: string[]; complete: boolean } {
  const order: string[] = [];
  const seen = new Set<string>();
  let complete = true;

  function visit(name: string): void {
    if (seen.has(name)) return;
    seen.add(name);
    const layer = graph.layers.get(name);
    if (!layer) {
      complete = false;
      return;
    }
    layer.extends.forEach(visit);
    order.push(name);
  }

  refs.forEach(visit);
  return { order, complete };
}
