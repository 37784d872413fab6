// The message core's public surface.
export { Peer } from './peer.js';
export { RpcError } from './rpc-error.js';
export type { InboundRequest, JsonObject, OutboundOptions, PeerOptions, PeerTransport, RequestId, RpcErrorShape } from './types.js';
