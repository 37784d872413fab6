// The catalog of one session: which exposed name stands for which `server/tool`, built from the
// upstreams' tool lists filtered by the same policy that decides calls.
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { assignExposedNames, byCodeUnits } from './exposed-names.js';

export interface CatalogEntry {
  exposed: string;
  server: string;
  tool: Tool;
}

export class Catalog {
  readonly #byExposed: Map<string, CatalogEntry>;

  constructor(entries: CatalogEntry[]) {
    this.#byExposed = new Map(entries.map((entry) => [entry.exposed, entry]));
  }

  /** Builds the catalog from visible tools per server; names follow the README's "Tool names". */
  static build(visible: Map<string, Tool[]>, mode: 'prefixed' | 'passthrough'): Catalog {
    const byKey = new Map<string, { server: string; tool: Tool }>();
    for (const [server, tools] of visible) {
      for (const tool of tools) byKey.set(`${server}/${tool.name}`, { server, tool });
    }
    const names = assignExposedNames(
      [...byKey.values()].map(({ server, tool }) => ({ server, tool: tool.name })),
      mode,
    );
    const entries: CatalogEntry[] = [];
    for (const [exposed, { server, tool }] of names) {
      entries.push({ exposed, server, tool: byKey.get(`${server}/${tool}`)!.tool });
    }
    entries.sort((a, b) => byCodeUnits(a.exposed, b.exposed));
    return new Catalog(entries);
  }

  /** The entry for an exposed name; undefined for names the agent may not see. */
  lookup(exposed: string): CatalogEntry | undefined {
    return this.#byExposed.get(exposed);
  }

  /** Tools as the agent sees them: the upstream's definition unchanged but for the name. */
  tools(): Tool[] {
    return [...this.#byExposed.values()].map((entry) => ({ ...entry.tool, name: entry.exposed }));
  }

  get size(): number {
    return this.#byExposed.size;
  }
}
