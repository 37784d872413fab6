export type { ScanEntity, ScanFinding } from './types.js';
export { scanEntities } from './scan.js';
