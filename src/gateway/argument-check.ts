// The step before deciding a call: arguments the gateway cannot safely walk, or that the tool's own
// inputSchema refuses, are denied here with a reason. The depth comes first, because validation walks
// the arguments recursively.
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Decision, Reason } from '../policy/types.js';
import { MAX_ARGUMENT_DEPTH, nestsDeeperThan } from './argument-depth.js';
import { schemaProblem } from './argument-schema.js';

/**
 * A deny decision for arguments that may not be decided on, or undefined when they may. `meta` is the
 * call's `_meta`, forwarded with the arguments, so it is held to the same depth.
 */
export function checkArguments(server: string, tool: Pick<Tool, 'inputSchema'>, args: Record<string, unknown>, meta?: unknown): Decision | undefined {
  if (nestsDeeperThan(args, MAX_ARGUMENT_DEPTH)) {
    return denied({
      rule: 'argument depth',
      source: 'default',
      message: `The arguments are nested more than ${MAX_ARGUMENT_DEPTH} levels deep, which this gateway refuses: send deep data as a string, or flatten it`,
    });
  }
  if (nestsDeeperThan(meta, MAX_ARGUMENT_DEPTH)) {
    return denied({ rule: 'argument depth', source: 'default', message: `The call's _meta is nested more than ${MAX_ARGUMENT_DEPTH} levels deep, which this gateway refuses` });
  }
  // As the upstream client reads tool lists: a tool without a schema object takes an object.
  const schema = isObject(tool.inputSchema) ? tool.inputSchema : NO_PARAMETERS;
  const problem = schemaProblem(schema, args);
  if (!problem) return undefined;
  const source = `upstream "${server}"`;
  return denied({
    rule: 'input schema',
    source,
    message: problem.compiled
      ? `The arguments do not match the tool's input schema: ${problem.message}`
      : `The tool's input schema from ${source} cannot be compiled, so its arguments cannot be checked: ${problem.message}`,
  });
}

const NO_PARAMETERS = { type: 'object' };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function denied(reason: Omit<Reason, 'layer' | 'decision'>): Decision {
  return { verdict: 'deny', reasons: [{ layer: 'input', decision: 'deny', ...reason }], writes: true };
}
