export type { ScanEntity, ScanFinding } from './types.js';
export { scanEntities, type ScanContext } from './scan.js';
export { RULE_NAMES } from './rules/index.js';
