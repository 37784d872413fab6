// The JSON Schema editors use to complete gateway.yaml, generated from the zod schema so the two never drift.
import { z } from 'zod';
import { gatewaySchema } from './schema.js';

/** The JSON Schema (draft-07, which yaml-language-server understands) of gateway.yaml, as formatted file text. */
export function gatewayJsonSchemaText(): string {
  const schema = z.toJSONSchema(gatewaySchema, { io: 'input', target: 'draft-7', unrepresentable: 'any' });
  return `${JSON.stringify({ ...schema, title: 'mcp-warden gateway.yaml' }, null, 2)}\n`;
}
