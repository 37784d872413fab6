// Everything an agent and its upstreams exchange besides tool calls: resources, prompts, completions
// and log levels. Lists are merged across the servers the agent may reach; reads are routed back to
// the server that listed the resource or prompt.
import { WardenError } from '../errors.js';
import { assignExposedNames } from './exposed-names.js';
import type { GatewaySession } from './session.js';
import type { CallContext } from './types.js';

type JsonObject = Record<string, unknown>;

interface PromptRoute {
  server: string;
  name: string;
}

export class Passthrough {
  readonly #session: GatewaySession;
  readonly #resourceOwner = new Map<string, string>();
  #templates: Array<{ server: string; pattern: RegExp; template: string }> = [];
  #prompts = new Map<string, PromptRoute>();

  constructor(session: GatewaySession) {
    this.#session = session;
  }

  /** Handles one pass-through request; throws WardenError for what cannot be routed. */
  async handle(method: string, params: JsonObject | undefined, context: CallContext): Promise<JsonObject> {
    switch (method) {
      case 'resources/list':
        return { resources: await this.#collect('resources', 'resources/list', 'resources', context, (server, item) => this.#resourceOwner.set(String(item.uri), server)) };
      case 'resources/templates/list': {
        const templates: Array<{ server: string; pattern: RegExp; template: string }> = [];
        const list = await this.#collect('resources', 'resources/templates/list', 'resourceTemplates', context, (server, item) =>
          templates.push({ server, template: String(item.uriTemplate), pattern: templatePattern(String(item.uriTemplate)) }),
        );
        this.#templates = templates;
        return { resourceTemplates: list };
      }
      case 'resources/read':
      case 'resources/subscribe':
      case 'resources/unsubscribe':
        return this.#forward(await this.#resourceServer(String(params?.uri ?? ''), context), method, params, context);
      case 'prompts/list': {
        const byServer: Array<{ server: string; item: JsonObject }> = [];
        await this.#collect('prompts', 'prompts/list', 'prompts', context, (server, item) => byServer.push({ server, item }));
        const names = assignExposedNames(byServer.map(({ server, item }) => ({ server, tool: String(item.name) })), this.#session.deps.config.toolNames);
        this.#prompts = new Map([...names].map(([exposed, q]) => [exposed, { server: q.server, name: q.tool }]));
        const exposedOf = new Map([...names].map(([exposed, q]) => [`${q.server}/${q.tool}`, exposed]));
        return { prompts: byServer.map(({ server, item }) => ({ ...item, name: exposedOf.get(`${server}/${String(item.name)}`) })) };
      }
      case 'prompts/get': {
        const route = await this.#promptRoute(String(params?.name ?? ''), context);
        return this.#forward(route.server, method, { ...params, name: route.name }, context);
      }
      case 'completion/complete': {
        const ref = (params?.ref ?? {}) as JsonObject;
        if (ref.type === 'ref/prompt') {
          const route = await this.#promptRoute(String(ref.name ?? ''), context);
          return this.#forward(route.server, method, { ...params, ref: { ...ref, name: route.name } }, context);
        }
        return this.#forward(await this.#resourceServer(String(ref.uri ?? ''), context), method, params, context);
      }
      case 'logging/setLevel': {
        const servers = await this.#serversOffering('logging');
        await Promise.all(servers.map((server) => this.#forward(server, method, params, context).catch(() => ({}))));
        return {};
      }
      default:
        throw new WardenError('BAD_INPUT', `Method "${method}" is not supported by mcp-warden`);
    }
  }

  /** Forwards a client notification (roots/list_changed) to every reachable upstream. */
  async notifyAll(method: string, params?: JsonObject): Promise<void> {
    const servers = await this.#session.reachableServers();
    await Promise.allSettled(servers.map(async (server) => (await this.#session.connect(server)).notify(method, params)));
  }

  async #serversOffering(capability: 'resources' | 'prompts' | 'logging' | 'completions'): Promise<string[]> {
    const reachable = await this.#session.reachableServers();
    return reachable.filter((server) => this.#session.info(server)?.capabilities[capability]);
  }

  async #collect(
    capability: 'resources' | 'prompts',
    method: string,
    key: string,
    context: CallContext,
    record: (server: string, item: JsonObject) => void,
  ): Promise<JsonObject[]> {
    const servers = await this.#serversOffering(capability);
    const lists = await Promise.all(
      servers.map(async (server) => {
        const items: JsonObject[] = [];
        let cursor: string | undefined;
        // Follow every page: cursors of different upstreams cannot be merged into one.
        for (let page = 0; page < 100; page += 1) {
          const result = await this.#forward(server, method, cursor ? { cursor } : undefined, context).catch(() => undefined);
          const list = Array.isArray(result?.[key]) ? (result[key] as JsonObject[]) : [];
          for (const item of list) {
            record(server, item);
            items.push(item);
          }
          cursor = typeof result?.nextCursor === 'string' ? result.nextCursor : undefined;
          if (!cursor) break;
        }
        return items;
      }),
    );
    return lists.flat();
  }

  async #resourceServer(uri: string, context: CallContext): Promise<string> {
    const owners = await this.#serversOffering('resources');
    const known = this.#resourceOwner.get(uri);
    if (known && owners.includes(known)) return known;
    if (this.#templates.length === 0) await this.handle('resources/templates/list', undefined, context);
    const template = this.#templates.find((entry) => entry.pattern.test(uri) && owners.includes(entry.server));
    if (template) return template.server;
    if (owners.length === 1) return owners[0]!;
    throw new WardenError('BAD_INPUT', `Resource "${uri}" is not offered by any upstream this agent may use`);
  }

  async #promptRoute(name: string, context: CallContext): Promise<PromptRoute> {
    if (!this.#prompts.has(name)) await this.handle('prompts/list', undefined, context);
    const route = this.#prompts.get(name);
    if (!route) throw new WardenError('BAD_INPUT', `Prompt "${name}" is not offered by any upstream this agent may use`);
    return route;
  }

  async #forward(server: string, method: string, params: JsonObject | undefined, context: CallContext): Promise<JsonObject> {
    const upstream = await this.#session.connect(server, context.signal);
    return this.#session.withInflight(server, context, () => upstream.request(method, params, { signal: context.signal }));
  }
}

/** A loose matcher for RFC 6570 templates: each expression matches one or more characters. */
function templatePattern(template: string): RegExp {
  const parts = template.split(/\{[^}]*\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.+')}$`);
}
