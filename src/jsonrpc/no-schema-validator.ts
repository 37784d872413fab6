// The JSON Schema validator handed to every SDK Client and Server we make. By default each one builds
// its own Ajv instance with all formats when constructed (one per upstream per session), though the
// gateway never asks them to validate: tool results are forwarded, not checked against outputSchema
// (the agent's own client does that), and elicitation is relayed with server.request rather than
// elicitInput. Measured: a few MB and milliseconds per session. If the SDK ever does ask, the answer is
// "invalid" with a reason, never a silent pass.
import type { jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';

export const noSchemaValidator: jsonSchemaValidator = {
  getValidator: () => () => ({ valid: false, data: undefined, errorMessage: 'mcp-warden does not validate JSON Schemas at the gateway' }),
};
