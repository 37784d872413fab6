// The catalog of one session: which exposed name stands for which `server/tool`, built from the
// upstreams' tool lists filtered by the same policy that decides calls, with each tool's vetting (its
// definition against its pin, and the scanner's findings). A tool whose vetting denies keeps its
// entry, so that a call by its name is refused naming the change, but is not listed.
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { assignExposedNames, byCodeUnits } from './exposed-names.js';
import type { Vetting } from './vetting.js';

export interface CatalogEntry {
  exposed: string;
  server: string;
  tool: Tool;
  /** Absent when the definition was not vetted (pinning and scanning off, or no vetter). */
  vetting?: Vetting;
}

export class Catalog {
  readonly #byExposed: Map<string, CatalogEntry>;

  constructor(entries: CatalogEntry[]) {
    this.#byExposed = new Map(entries.map((entry) => [entry.exposed, entry]));
  }

  /** Builds the catalog from visible tools per server and their vettings (by `server/tool`); names follow the README's "Tool names". */
  static build(visible: Map<string, Tool[]>, mode: 'prefixed' | 'passthrough', vettings?: ReadonlyMap<string, Vetting>): Catalog {
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
      const vetting = vettings?.get(`${server}/${tool}`);
      entries.push({ exposed, server, tool: byKey.get(`${server}/${tool}`)!.tool, ...(vetting ? { vetting } : {}) });
    }
    entries.sort((a, b) => byCodeUnits(a.exposed, b.exposed));
    return new Catalog(entries);
  }

  /** The entry for an exposed name; undefined for names the agent may not see. */
  lookup(exposed: string): CatalogEntry | undefined {
    return this.#byExposed.get(exposed);
  }

  /** Tools as the agent sees them: the upstream's definition unchanged but for the name; those vetting denies are left out. */
  tools(): Tool[] {
    return [...this.#byExposed.values()].filter((entry) => entry.vetting?.response !== 'deny').map((entry) => ({ ...entry.tool, name: entry.exposed }));
  }

  get size(): number {
    return this.#byExposed.size;
  }
}
