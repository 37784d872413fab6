// The decision engine: compile an agent's effective policy once, then decide calls and tool
// visibility as data. Pure; see DESIGN.md §4.
export { compilePolicy, type CompiledPolicy, type CompileOptions } from './compile.js';
export { decide } from './decide.js';
export { visibility } from './visibility.js';
export { normalizeForMatch } from './normalize.js';
export { checkRegex, type RegexCheck } from './regex-safety.js';
export { invalidServerId, invalidToolName } from './tool-name.js';
export { MAX_SCAN_CHARS } from './argument-texts.js';
export * from './types.js';
