// The edits connect makes to one client's files, gathered before anything is written so that a file
// that does not parse stops the whole run with nothing changed.
import type { ClientServer } from './client-server.js';
import { loadJsonFile, type JsonFile } from './json-file.js';

export interface ConnectPlan {
  /** Every file touched, with its text before; only those whose text changes are written. */
  files: Map<string, JsonFile>;
  removed: ClientServer[];
  added: string[];
}

export function newPlan(): ConnectPlan {
  return { files: new Map(), removed: [], added: [] };
}

/** The file in the plan, loaded on first use. */
export function fileIn(plan: ConnectPlan, file: string): JsonFile {
  let json = plan.files.get(file);
  if (!json) {
    json = loadJsonFile(file);
    plan.files.set(file, json);
  }
  return json;
}
