// Against DNS rebinding and cross-site pages: the Host must name this machine (or a configured
// host), and a browser's Origin must be loopback or configured. Runs before anything else but /healthz.
import { hostCheck } from '../../../http-host.js';
import { originAllowed } from '../../http-guard.js';
import type { Guard } from '../compose.js';
import { HttpError } from '../http-error.js';

/** The Host and Origin guard for the configured extra hosts and origins. */
export function hostAndOrigin(allowedHosts: readonly string[], allowedOrigins: readonly string[]): Guard {
  const hostAllowed = hostCheck(allowedHosts);
  return function hostAndOriginGuard(ctx, next) {
    if (!hostAllowed(ctx.req.headers.host)) throw new HttpError(403, 'Forbidden: Host is not allowed');
    if (!originAllowed(ctx.req, allowedOrigins)) throw new HttpError(403, 'Forbidden: Origin is not allowed');
    return next(ctx);
  };
}
