// One session's check of what its upstreams list (issue 13): each definition is pinned and compared
// with the pin store (trusting the first list of a server that has no pins), scanned for poisoning,
// and vetted; what is not clean is audited and logged once per change, not per call. A person's
// "trust" answer goes back to the store, so the definition is clean in every session from then on.
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { pinEntity, pinOf, statusOf, type PinnedEntity, type PinStatus } from '../pinning/index.js';
import { tableOf } from '../pinning/server-pins.js';
import { scanEntities, type ScanEntity, type ScanFinding } from '../scanning/index.js';
import type { AuditRecord } from '../audit/types.js';
import { auditHead } from './audit-head.js';
import { revet, vet, type Vetting, type VettingModes } from './vetting.js';
import type { SessionIdentity } from './ports.js';
import type { GatewayDeps } from './types.js';

export interface DefinitionVetterOptions {
  identity: SessionIdentity;
  deps: Pick<GatewayDeps, 'pins' | 'audit' | 'log'>;
  modes(server: string): VettingModes;
  /** Every configured server id, for the scanner's cross-server references. */
  serverIds: readonly string[];
  /** The scanner; default the built-in rules (`scanEntities`). */
  scan?: typeof scanEntities;
}

/** What the enforcement steps ask of the vetter when a vetted definition is called. */
export interface DefinitionChecks {
  /** `vetting` as it stands now: clean once its definition was trusted (in any session) since it was listed. */
  refresh(vetting: Vetting): Promise<Vetting>;
  /** Records a person's "trust" answer: the definition becomes the pin, and its findings are accepted in this session. */
  trust(vetting: Vetting): Promise<void>;
  /** The vetting of each prompt or resource template `server` listed, by name (a template by its uriTemplate). */
  vetListed(server: string, kind: 'prompt' | 'resource-template', items: readonly unknown[]): Promise<Map<string, Vetting>>;
}

export class DefinitionVetter implements DefinitionChecks {
  readonly #options: DefinitionVetterOptions;
  /** `server\0kind\0name\0digest\0response` of each change already audited in this session. */
  readonly #audited = new Set<string>();
  /** Digests whose findings a person accepted in this session. */
  readonly #accepted = new Set<string>();

  constructor(options: DefinitionVetterOptions) {
    this.#options = options;
  }

  /**
   * The vetting of each tool `server` lists (by tool name) and of its initialize instructions. Vetted
   * together, so that trust on first use pins everything the server showed in one go.
   */
  async vetServer(server: string, listed: { tools: readonly Tool[]; instructions?: string | undefined }): Promise<{ tools: Map<string, Vetting>; instructions?: Vetting }> {
    const items: Array<{ entity: PinnedEntity; listed: unknown }> = listed.tools.map((tool) => ({ entity: pinEntity('tool', tool), listed: tool }));
    if (listed.instructions) items.push({ entity: pinEntity('instructions', listed.instructions), listed: listed.instructions });
    const vettings = await this.#vetAll(server, items);
    const instructions = vettings.find((vetting) => vetting.input.current.kind === 'instructions');
    const tools = new Map(vettings.filter((vetting) => vetting.input.current.kind === 'tool').map((vetting) => [vetting.input.current.name, vetting]));
    return { tools, ...(instructions ? { instructions } : {}) };
  }

  async vetListed(server: string, kind: 'prompt' | 'resource-template', items: readonly unknown[]): Promise<Map<string, Vetting>> {
    const vettings = await this.#vetAll(server, items.map((item) => ({ entity: pinEntity(kind, item), listed: item })));
    return new Map(vettings.map((vetting) => [vetting.input.current.name, vetting]));
  }

  async refresh(vetting: Vetting): Promise<Vetting> {
    const { server, current } = vetting.input;
    const findingsAccepted = this.#accepted.has(`${server}\0${current.digest}`);
    let pinned = false;
    if (vetting.drift && this.#options.deps.pins) {
      const pins = await this.#options.deps.pins.load(server).catch(() => undefined);
      pinned = pinOf(pins, current.kind, current.name)?.digest === current.digest;
    }
    return pinned || findingsAccepted ? revet(vetting, { pinned, findingsAccepted }) : vetting;
  }

  async trust(vetting: Vetting): Promise<void> {
    const { server, current } = vetting.input;
    if (vetting.findings.length > 0) this.#accepted.add(`${server}\0${current.digest}`);
    if (vetting.drift && this.#options.deps.pins) await this.#options.deps.pins.trust(server, current);
    const name = current.kind === 'instructions' ? server : `${server}/${current.name}`;
    this.#options.deps.log?.(`The definition of "${name}" was trusted by a person (${current.digest}); run "mcp-warden pin" to write it to the lockfile`);
  }

  async #vetAll(server: string, listed: Array<{ entity: PinnedEntity; listed: unknown }>): Promise<Vetting[]> {
    const entities = listed.map((item) => item.entity);
    const { statuses, modes } = await this.#statuses(server, entities, this.#options.modes(server));
    const findings = modes.scanning.value === 'off' ? [] : this.#scan(server, listed);
    const vettings = entities.map((current, index) => {
      const status = statuses[index];
      return vet({ server, current, status, findings: findings.filter((finding) => finding.kind === current.kind && finding.name === scanName(server, current)), modes });
    });
    await Promise.all(vettings.map((vetting) => this.#audit(vetting)));
    return vettings;
  }

  /**
   * How each entity compares with its pin. A server with no pins yet is trusted on first use. Pins
   * that cannot be read fail closed: every entity is unpinned and denied, whatever the modes say.
   */
  async #statuses(server: string, entities: PinnedEntity[], modes: VettingModes): Promise<{ statuses: Array<PinStatus | undefined>; modes: VettingModes }> {
    const store = this.#options.deps.pins;
    if (!store || modes.pinning.value === 'off') return { statuses: entities.map(() => undefined), modes };
    let pins;
    try {
      pins = await store.load(server);
    } catch (error) {
      const why = `the pins cannot be read: ${(error as Error).message}`;
      this.#options.deps.log?.(`Pins of upstream "${server}" cannot be read (${(error as Error).message}); its definitions are denied`);
      return { statuses: entities.map((current) => ({ state: 'new', current })), modes: { pinning: { value: 'deny', source: why }, scanning: modes.scanning } };
    }
    // Trust on first use, of the server (no pins at all), or, without a lockfile, of a kind it listed
    // for the first time: prompts and templates are listed only when the agent asks, after the tools.
    const firstUse = (entity: PinnedEntity) =>
      !pins || (store.source().kind === 'state' && entity.kind !== 'tool' && entity.kind !== 'instructions' && Object.keys(tableOf(pins, entity.kind)).length === 0);
    if (entities.some(firstUse)) {
      const trusted = entities.filter(firstUse);
      await Promise.all(trusted.map((entity) => store.trust(server, entity)));
      if (!pins) return { statuses: entities.map((entity) => ({ state: 'pinned', pin: entity })), modes };
      return { statuses: entities.map((entity) => (trusted.includes(entity) ? { state: 'pinned', pin: entity } : statusOf(pinOf(pins, entity.kind, entity.name), entity))), modes };
    }
    return { statuses: entities.map((entity) => statusOf(pinOf(pins, entity.kind, entity.name), entity)), modes };
  }

  #scan(server: string, listed: Array<{ entity: PinnedEntity; listed: unknown }>): ScanFinding[] {
    const entities: ScanEntity[] = listed.map(({ entity, listed: definition }) => ({ kind: entity.kind, server, name: scanName(server, entity), definition }));
    try {
      return (this.#options.scan ?? scanEntities)(entities, { serverIds: this.#options.serverIds });
    } catch (error) {
      // A scanner that breaks must not turn every tool clean.
      this.#options.deps.log?.(`Definitions of upstream "${server}" could not be scanned: ${(error as Error).message}`);
      return entities.map((entity) => ({ kind: entity.kind, server, name: entity.name, rule: 'scanner-error', field: 'definition', message: 'The scanner failed on this definition' }));
    }
  }

  /** One pin record and one record per finding, the first time this session sees this change. */
  async #audit(vetting: Vetting): Promise<void> {
    if (vetting.response === 'clean') return;
    const { server, current } = vetting.input;
    const key = `${server}\0${current.kind}\0${current.name}\0${current.digest}\0${vetting.response}`;
    if (this.#audited.has(key)) return;
    this.#audited.add(key);
    const { audit, log, pins } = this.#options.deps;
    const tool = current.kind === 'tool' ? `${server}/${current.name}` : current.kind === 'instructions' ? `instructions:${server}` : `${current.kind}:${server}/${current.name}`;
    const records: AuditRecord[] = [];
    const source = pins?.source();
    for (const reason of vetting.reasons) {
      log?.(reason.message);
      const base = { ...auditHead(this.#options.identity, {}), tool, decision: reason.decision, reasons: [reason], outcome: 'flagged' as const, duration_ms: 0 };
      if (reason.layer === 'pinning' && vetting.drift) {
        const drift = vetting.drift;
        records.push({
          ...base,
          event: 'pin',
          pin: {
            kind: current.kind,
            state: drift.state,
            ...(drift.state === 'changed' ? { fields: [...vetting.fields], pinned_digest: drift.pin.digest } : {}),
            digest: current.digest,
            source: source ? `${source.kind} ${source.path}` : 'none',
          },
        });
      }
      if (reason.layer === 'scanning') {
        for (const finding of vetting.findings) {
          records.push({ ...base, ...auditHead(this.#options.identity, {}), event: 'scan', finding: { rule: finding.rule, field: finding.field, message: finding.message, ...(finding.excerpt ? { excerpt: finding.excerpt } : {}) } });
        }
      }
    }
    await Promise.all(records.map((record) => audit.write(record)));
  }
}

/** The name the scanner reports an entity under: the server id for instructions. */
function scanName(server: string, entity: PinnedEntity): string {
  return entity.kind === 'instructions' ? server : entity.name;
}
