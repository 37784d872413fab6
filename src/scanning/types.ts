// What description scanning reads and what it reports: the contract between the scanner (pure,
// rules in, findings out) and whoever acts on its findings (the gateway at run time, `tools --scan`).

/** One thing an upstream shows the model, as listed. */
export interface ScanEntity {
  kind: 'tool' | 'instructions' | 'prompt' | 'resource-template';
  server: string;
  /** The tool, prompt or template name; the server id for `instructions`. */
  name: string;
  /** As the upstream listed it (a Tool, a Prompt, a ResourceTemplate, or the instructions string). */
  definition: unknown;
}

/** One sign of poisoning in one entity. */
export interface ScanFinding {
  kind: ScanEntity['kind'];
  server: string;
  name: string;
  /** The rule that fired, e.g. `hidden-unicode`, `instruction-phrase`, `cross-server-reference`. */
  rule: string;
  /** Where in the definition: `description`, `inputSchema.properties.path.description`, … */
  field: string;
  /** One sentence for the operator (and, escaped, the approval card). */
  message: string;
  /** The offending text, shortened, with invisible characters shown as \u{…}. */
  excerpt?: string;
}
