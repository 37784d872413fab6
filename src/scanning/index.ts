// Description scanning: the scanner (pure) and the gathering of what an upstream shows the model.
export type { ScanEntity, ScanFinding } from './types.js';
export { scanEntities, type ScanContext } from './scan.js';
export { collectEntities } from './collect.js';
export { RULE_NAMES } from './rules/index.js';
