// Everything an agent and its upstreams exchange besides tool calls: resources, prompts, completions
// and log levels. Lists are merged across the servers the agent may reach and filtered by the same
// decision that guards each read; reads are routed back to the server that listed the resource or
// prompt and then enforced in `enforceAccess`, like a tool call.
import { WardenError, isWardenError } from '../errors.js';
import type { AccessKind } from '../policy/index.js';
import { assignExposedNames } from './exposed-names.js';
import { auditUnrouted, decideAccessFor, enforceAccess } from './enforce-access.js';
import type { GatewayPorts } from './ports.js';
import type { CallContext } from './types.js';

type JsonObject = Record<string, unknown>;

interface PromptRoute {
  server: string;
  name: string;
}

export class Passthrough {
  readonly #ports: GatewayPorts;
  readonly #resourceOwner = new Map<string, string>();
  #templates: Array<{ server: string; pattern: RegExp; template: string }> = [];
  #prompts = new Map<string, PromptRoute>();
  /** Prompts hidden because their vetting denies (issue 13), by exposed name: a get says why. */
  #deniedPrompts = new Map<string, string>();
  #listedResources = false;

  constructor(ports: GatewayPorts) {
    this.#ports = ports;
  }

  /** Handles one pass-through request; throws WardenError for what cannot be routed or is denied. */
  async handle(method: string, params: JsonObject | undefined, context: CallContext): Promise<JsonObject> {
    switch (method) {
      case 'resources/list':
        return { resources: await this.#listResources('resources/list', 'resources', 'uri', context) };
      case 'resources/templates/list':
        return { resourceTemplates: await this.#listResources('resources/templates/list', 'resourceTemplates', 'uriTemplate', context) };
      case 'resources/read':
      case 'resources/subscribe':
      case 'resources/unsubscribe': {
        const uri = requireString(params?.uri, 'uri', method);
        const server = await this.#routed(method, uri, params, () => this.#resourceServer(uri, context));
        return enforceAccess(this.#ports, { kind: 'resource', method, server, name: uri, params }, context);
      }
      case 'prompts/list':
        return { prompts: await this.#listPrompts(context) };
      case 'prompts/get': {
        const name = requireString(params?.name, 'name', method);
        const route = await this.#routed(method, name, params, () => this.#promptRoute(name, context));
        return enforceAccess(this.#ports, { kind: 'prompt', method, server: route.server, name: route.name, params: { ...params, name: route.name } }, context);
      }
      case 'completion/complete':
        return this.#complete(params, context);
      case 'logging/setLevel': {
        const servers = await this.#serversOffering('logging');
        // Best effort per server: one that refuses keeps its own level, which is no reason to fail the agent's request.
        await Promise.all(servers.map((server) => this.#forward(server, method, params, context).catch(() => ({}))));
        return {};
      }
      default:
        throw new WardenError('BAD_INPUT', `Method "${method}" is not supported by mcp-warden`);
    }
  }

  /** Forwards a client notification (roots/list_changed) to every reachable upstream. */
  async notifyAll(method: string, params?: JsonObject): Promise<void> {
    const servers = await this.#ports.tools.reachableServers();
    await Promise.allSettled(servers.map(async (server) => (await this.#ports.upstreams.connect(server)).notify(method, params)));
  }

  /** A completion is decided as the prompt or resource template it completes; an ask is a denial. */
  async #complete(params: JsonObject | undefined, context: CallContext): Promise<JsonObject> {
    const method = 'completion/complete';
    const ref = params?.ref;
    if (typeof ref !== 'object' || ref === null || Array.isArray(ref)) throw new WardenError('BAD_INPUT', 'completion/complete needs a "ref" object');
    const { type } = ref as JsonObject;
    if (type === 'ref/prompt') {
      const name = requireString((ref as JsonObject).name, 'ref.name', method);
      const route = await this.#routed(method, name, params, () => this.#promptRoute(name, context));
      const forwarded = { ...params, ref: { ...ref, name: route.name } };
      return enforceAccess(this.#ports, { kind: 'prompt', method, server: route.server, name: route.name, params: forwarded }, context);
    }
    if (type === 'ref/resource') {
      const uri = requireString((ref as JsonObject).uri, 'ref.uri', method);
      const server = await this.#routed(method, uri, params, () => this.#resourceServer(uri, context));
      return enforceAccess(this.#ports, { kind: 'resource', method, server, name: uri, params }, context);
    }
    throw new WardenError('BAD_INPUT', `completion/complete ref type "${String(type)}" is not supported; use "ref/prompt" or "ref/resource"`);
  }

  /** Routes a request, auditing the refusal when no reachable upstream offers what it names. */
  async #routed<T>(method: string, name: string, params: JsonObject | undefined, route: () => Promise<T>): Promise<T> {
    try {
      return await route();
    } catch (error) {
      await auditUnrouted(this.#ports, method, name, params, isWardenError(error) ? error.message : 'routing failed');
      throw error;
    }
  }

  async #serversOffering(capability: 'logging'): Promise<string[]> {
    const reachable = await this.#ports.tools.reachableServers();
    return reachable.filter((server) => this.#ports.upstreams.info(server)?.capabilities[capability]);
  }

  async #accessible(kind: AccessKind): Promise<string[]> {
    const capability = kind === 'resource' ? 'resources' : 'prompts';
    const servers = await this.#ports.tools.accessibleServers(kind);
    return servers.filter((server) => this.#ports.upstreams.info(server)?.capabilities[capability]);
  }

  async #listResources(method: string, key: string, uriKey: 'uri' | 'uriTemplate', context: CallContext): Promise<JsonObject[]> {
    const listed = await this.#collect(await this.#accessible('resource'), method, key, context);
    if (uriKey === 'uri') {
      this.#listedResources = true;
      for (const { server, item } of listed) this.#resourceOwner.set(String(item.uri), server);
    }
    const vetted = uriKey === 'uriTemplate' ? await this.#vetted(listed, 'resource-template') : listed;
    if (uriKey === 'uriTemplate') this.#templates = vetted.map(({ server, item }) => ({ server, template: String(item.uriTemplate), pattern: templatePattern(String(item.uriTemplate)) }));
    const shown = await this.#visible(vetted, (entry) => ({ kind: 'resource', server: entry.server, name: String(entry.item[uriKey]) }));
    return shown.map(({ item }) => item);
  }

  async #listPrompts(context: CallContext): Promise<JsonObject[]> {
    const all = await this.#collect(await this.#accessible('prompt'), 'prompts/list', 'prompts', context);
    const names = assignExposedNames(all.map(({ server, item }) => ({ server, tool: String(item.name) })), this.#ports.rules.view.toolNames);
    const denied = new Map<string, string>();
    const listed = await this.#vetted(all, 'prompt', (server, name, why) => denied.set(`${server}/${name}`, why));
    this.#deniedPrompts = new Map([...names].filter(([, q]) => denied.has(`${q.server}/${q.tool}`)).map(([exposed, q]) => [exposed, denied.get(`${q.server}/${q.tool}`)!]));
    this.#prompts = new Map([...names].filter(([exposed]) => !this.#deniedPrompts.has(exposed)).map(([exposed, q]) => [exposed, { server: q.server, name: q.tool }]));
    const exposedOf = new Map([...names].map(([exposed, q]) => [`${q.server}/${q.tool}`, exposed]));
    const shown = await this.#visible(listed, (entry) => ({ kind: 'prompt', server: entry.server, name: String(entry.item.name) }));
    return shown.map(({ server, item }) => ({ ...item, name: exposedOf.get(`${server}/${String(item.name)}`) }));
  }

  /**
   * The entries whose vetting does not deny (issue 13): a prompt or template whose definition changed
   * or was flagged is audited (warn and ask alike: the list is not a call anyone could approve) and,
   * under deny, left out. `onDenied` hears each one left out, with the reason.
   */
  async #vetted(
    listed: Array<{ server: string; item: JsonObject }>,
    kind: 'prompt' | 'resource-template',
    onDenied?: (server: string, name: string, why: string) => void,
  ): Promise<Array<{ server: string; item: JsonObject }>> {
    const definitions = this.#ports.definitions;
    if (!definitions) return listed;
    const servers = [...new Set(listed.map((entry) => entry.server))];
    const byServer = new Map(
      await Promise.all(servers.map(async (server) => [server, await definitions.vetListed(server, kind, listed.filter((entry) => entry.server === server).map((entry) => entry.item))] as const)),
    );
    return listed.filter(({ server, item }) => {
      const name = String(kind === 'prompt' ? item.name : item.uriTemplate);
      const vetting = byServer.get(server)?.get(name);
      if (vetting?.response !== 'deny') return true;
      onDenied?.(server, name, vetting.reasons.filter((reason) => reason.decision === 'deny').map((reason) => reason.message).join('; '));
      return false;
    });
  }

  /** The entries whose access is not denied: lists are filtered by the rules that guard each read. */
  async #visible(
    listed: Array<{ server: string; item: JsonObject }>,
    target: (entry: { server: string; item: JsonObject }) => { kind: AccessKind; server: string; name: string },
  ): Promise<Array<{ server: string; item: JsonObject }>> {
    const decisions = await Promise.all(listed.map((entry) => decideAccessFor(this.#ports, target(entry))));
    return listed.filter((_entry, index) => decisions[index]!.verdict !== 'deny');
  }

  async #collect(servers: string[], method: string, key: string, context: CallContext): Promise<Array<{ server: string; item: JsonObject }>> {
    const lists = await Promise.all(
      servers.map(async (server) => {
        const items: Array<{ server: string; item: JsonObject }> = [];
        let cursor: string | undefined;
        // Follow every page: cursors of different upstreams cannot be merged into one.
        for (let page = 0; page < 100; page += 1) {
          // A server that fails to list contributes nothing this time, as one that is down would; the others still answer.
          const result = await this.#forward(server, method, cursor ? { cursor } : undefined, context).catch(() => undefined);
          const list = Array.isArray(result?.[key]) ? (result[key] as unknown[]) : [];
          for (const item of list) if (typeof item === 'object' && item !== null && !Array.isArray(item)) items.push({ server, item: item as JsonObject });
          cursor = typeof result?.nextCursor === 'string' ? result.nextCursor : undefined;
          if (!cursor) break;
        }
        return items;
      }),
    );
    return lists.flat();
  }

  /**
   * The server a URI goes to: the one that listed it, else the one whose template matches it (in the
   * URI's own spelling or normalised, so "FILE:///x" finds the file server), else the only server
   * offering that scheme, else the only server offering resources at all. Then it is decided there.
   */
  async #resourceServer(uri: string, context: CallContext): Promise<string> {
    const owners = await this.#accessible('resource');
    const owned = (server: string | undefined) => server !== undefined && owners.includes(server);
    // A URI read before any list: list once, so it goes to the server that offers it.
    if (!this.#listedResources && !owned(this.#resourceOwner.get(uri))) await this.handle('resources/list', undefined, context);
    const known = this.#resourceOwner.get(uri);
    if (owned(known)) return known!;
    if (this.#templates.length === 0) await this.handle('resources/templates/list', undefined, context);
    const spellings = [uri, normalisedUri(uri)].filter((form) => form !== undefined);
    const template = this.#templates.find((entry) => owned(entry.server) && spellings.some((form) => entry.template === form || entry.pattern.test(form)));
    if (template) return template.server;
    const scheme = schemeOf(uri);
    const byScheme = new Set(
      [...[...this.#resourceOwner].map(([listed, server]) => ({ server, scheme: schemeOf(listed) })), ...this.#templates.map((entry) => ({ server: entry.server, scheme: schemeOf(entry.template) }))]
        .filter((entry) => scheme !== undefined && entry.scheme === scheme && owned(entry.server))
        .map((entry) => entry.server),
    );
    if (byScheme.size === 1) return [...byScheme][0]!;
    if (owners.length === 1) return owners[0]!;
    throw new WardenError('BAD_INPUT', `Resource "${uri}" is not offered by any upstream this agent may use`);
  }

  async #promptRoute(name: string, context: CallContext): Promise<PromptRoute> {
    if (!this.#prompts.has(name)) await this.handle('prompts/list', undefined, context);
    const route = this.#prompts.get(name);
    const denied = this.#deniedPrompts.get(name);
    if (!route && denied) throw new WardenError('CALL_DENIED', `Prompt "${name}" is refused: ${denied}`);
    if (!route) throw new WardenError('BAD_INPUT', `Prompt "${name}" is not offered by any upstream this agent may use`);
    return route;
  }

  async #forward(server: string, method: string, params: JsonObject | undefined, context: CallContext): Promise<JsonObject> {
    const upstream = await this.#ports.upstreams.connect(server, context.signal);
    return this.#ports.upstreams.withInflight(server, context, () => upstream.request(method, params, { signal: context.signal }));
  }
}

function requireString(value: unknown, key: string, method: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new WardenError('BAD_INPUT', `${method} needs "${key}" as a non-empty string`);
  return value;
}

function normalisedUri(uri: string): string | undefined {
  try {
    return new URL(uri).href;
  } catch {
    return undefined;
  }
}

function schemeOf(uri: string): string | undefined {
  return /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase();
}

/** A loose matcher for RFC 6570 templates: each expression matches one or more characters. */
function templatePattern(template: string): RegExp {
  const parts = template.split(/\{[^}]*\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.+')}$`);
}
