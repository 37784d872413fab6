// The upstream layer's public surface: the Upstream contract and the ways to make one.
export type { Upstream, UpstreamHooks, UpstreamInfo, UpstreamRequestOptions } from './types.js';
export { ClientUpstream, type ClientUpstreamOptions } from './client-upstream.js';
export { createUpstream, type CreateUpstreamOptions } from './create-upstream.js';
export { createMemoryUpstream, type MemoryUpstreamOptions } from './memory-upstream.js';
export { ChildTransport, writeToStderr, type ChildTransportOptions, type StderrSink } from './child-transport.js';
export { createRemoteTransport, type RemoteTransportOptions } from './remote-transport.js';
export { ChildRegistry } from './child-registry.js';
export { buildChildEnv, INHERITED_ENV_NAMES } from './child-env.js';
export type { BackoffOptions } from './restart-backoff.js';
export { startProblem } from './startable.js';
