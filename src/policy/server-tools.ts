// What an agent may do with a server's tools as a whole, by name only: the answer its resources and
// prompts follow when no `resource:` or `prompt:` rule is written for the server.
import { VERDICT_RANK, type Verdict } from './types.js';
import type { CompiledPolicy } from './compile.js';
import { checkInput } from './input-layer.js';
import { nameFacts } from './name-facts.js';
import { strictest } from './outcome.js';

/**
 * The loosest verdict any of `tools` gets from the agent, name and ceiling layers: allow when one
 * tool is allowed, ask when the best needs approval, deny when none may be used (or there are none).
 * Safety and the approval mode are left out: they depend on whether a call writes, and reading a
 * resource or getting a prompt does not.
 */
export function serverToolVerdict(compiled: CompiledPolicy, server: string, tools: readonly string[]): Verdict {
  let best: Verdict = 'deny';
  for (const tool of tools) {
    const checked = checkInput(compiled, { server, tool });
    if ('layer' in checked) continue;
    const facts = nameFacts(compiled, checked, tool);
    const verdict = strictest(facts.decision, facts.ceilings);
    if (VERDICT_RANK[verdict] < VERDICT_RANK[best]) best = verdict;
    if (best === 'allow') break;
  }
  return best;
}
