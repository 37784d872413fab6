// Which tools an agent sees in tools/list: the decision a tool gets whatever its arguments, from the
// same `decide` that decides calls. A tool is shown unless this is deny.
import type { Decision, ToolAnnotations } from './types.js';
import type { CompiledPolicy } from './compile.js';
import { decide } from './decide.js';

/**
 * The argument-independent decision for `server/tool`. Inspection and dangerous patterns need
 * arguments, so a shell, filesystem or database tool stays visible: a call may prove read-only.
 */
export function visibility(compiled: CompiledPolicy, server: string, tool: string, annotations?: ToolAnnotations): Decision {
  return decide(compiled, { kind: 'list', server, tool, annotations });
}
