// The error a transport's start() throws when it could not start at all. Its message is a complete
// clause naming what failed (`command "npx" was not found (ENOENT)`), ready to follow "Cannot start upstream "x": ".

export class TransportStartError extends Error {
  override readonly name = 'TransportStartError';
}
