// GET /readyz: 200 when every readiness check passes, 503 when one does not, with the checks as JSON.
import type { ReadinessReport } from '../../../gateway/readiness.js';
import type { Guard } from '../compose.js';

/** Answers with the report: 200 ready, 503 not ready; never cached by a proxy. */
export function readiness(report: () => Promise<ReadinessReport>): Guard {
  return async function readinessHandler(ctx) {
    const answer = await report();
    ctx.res.writeHead(answer.ready ? 200 : 503, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(answer));
  };
}
