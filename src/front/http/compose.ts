// Guards in the hono manner: each gets the request's context and `next`, refuses by throwing an
// HttpError, or passes the request on by returning `next(ctx)`. Calling `next` twice is an error.
// Unlike hono, `next` takes the context: the functions are made once per chain, not once per request
// and step, so a request through the chain allocates nothing but its context.
import type { HttpContext } from './context.js';

/** Passes the request to the rest of the chain. */
export type Next = (ctx: HttpContext) => void | Promise<void>;
/** One step of a chain; the last step answers the request (or passes it on to nothing). */
export type Guard = (ctx: HttpContext, next: Next) => void | Promise<void>;

/** Runs `guards` in order for a context; a step that does not call `next` ends the chain there. */
export function compose(guards: readonly Guard[]): Next {
  const nexts: Next[] = guards.map((_, index) => (ctx: HttpContext) => {
    // The step that calls this is `index`; the chain is past it once it has called once.
    if (ctx.cursor > index) throw new Error(`next() called multiple times by guard ${index} (${guards[index]!.name || 'anonymous'})`);
    return run(ctx, index + 1);
  });
  function run(ctx: HttpContext, index: number): void | Promise<void> {
    ctx.cursor = index;
    const guard = guards[index];
    return guard === undefined ? undefined : guard(ctx, nexts[index]!);
  }
  return (ctx) => run(ctx, 0);
}
