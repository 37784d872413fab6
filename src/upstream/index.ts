// The upstream layer's public surface: the Upstream contract and the ways to make one.
export type { Upstream, UpstreamHooks, UpstreamInfo, UpstreamRequestOptions } from './types.js';
export { ClientUpstream, type ClientUpstreamOptions } from './client-upstream.js';
export { createUpstream, type CreateUpstreamOptions } from './create-upstream.js';
export { createMemoryUpstream, type MemoryUpstreamOptions } from './memory-upstream.js';
export { ExecaTransport, writeToStderr, type ExecaTransportOptions, type StderrSink } from './execa-transport.js';
export { createRemoteTransport, type RemoteTransportOptions } from './remote-transport.js';
export { killAllChildrenSync, signalAllChildrenSync, liveChildGroupCount } from './child-registry.js';
export { buildChildEnv, INHERITED_ENV_NAMES } from './child-env.js';
export type { BackoffOptions } from './restart-backoff.js';
