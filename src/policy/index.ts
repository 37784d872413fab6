// The decision engine: compile an agent's effective policy once, then decide calls and tool
// visibility as data. Pure; see README "How a call is decided"
export { compilePolicy, type CompiledPolicy, type CompileOptions } from './compile.js';
export { decide } from './decide.js';
export { visibility } from './visibility.js';
export { decideAccess, accessSubject, MAX_ACCESS_NAME, type AccessCall } from './access.js';
export { accessKindOf, ACCESS_PREFIX, type AccessKind } from './access-rules.js';
export { serverToolVerdict } from './server-tools.js';
export { decideUpstreamRequest, UPSTREAM_REQUESTS, DEFAULT_UPSTREAM_REQUESTS, type UpstreamRequest, type UpstreamRequestKind } from './upstream-requests.js';
export { normalizeForMatch } from './normalize.js';
export { checkRegex, type RegexCheck } from './regex-safety.js';
export { invalidServerId, invalidToolName } from './tool-name.js';
export { MAX_SCAN_CHARS } from './argument-texts.js';
export * from './types.js';
