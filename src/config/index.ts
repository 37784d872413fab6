// The config module's public face: load gateway.yaml into a ResolvedConfig, and the helpers others reuse.
export { loadConfig, parseConfig, displayPath, type LoadOptions } from './load.js';
export { gatewaySchema, type GatewayFile } from './schema.js';
export { gatewayJsonSchemaText } from './json-schema.js';
export { compileSafeRegex, parseRegexLiteral, regexSafetyProblem, type RegexLiteral } from './regex-safety.js';
export { globProblem } from './globs.js';
export { BUILTIN_PROFILES, BUILTIN_DANGEROUS_PATTERNS, DEVELOPER_REQUIRED_TOOLS } from './builtins.js';
export { closest, didYouMean, quoteList } from './suggest.js';
export { parseDuration, parseSize } from './units.js';
export { approvalChannelsFor } from './approval-channels.js';
export type * from './types.js';
export { ConfigHolder, type ConfigSource, type ConfigState } from './holder.js';
