// The guard chain: order, stopping, calling next twice, and sync steps staying sync.
import { expect, test } from 'vitest';
import { compose, type Guard } from '../../../src/front/http/compose.js';
import { fakeContext } from './fake-http.js';

test('guards run in order, each passing the request on with next', async () => {
  const seen: string[] = [];
  const step =
    (name: string): Guard =>
    (ctx, next) => {
      seen.push(name);
      return next(ctx);
    };
  await compose([step('a'), step('b'), step('c')])(fakeContext().ctx);
  expect(seen).toEqual(['a', 'b', 'c']);
});

test('a guard that does not call next ends the chain there', async () => {
  const seen: string[] = [];
  await compose([() => void seen.push('a'), () => void seen.push('b')])(fakeContext().ctx);
  expect(seen).toEqual(['a']);
});

test('a guard may act after the rest of the chain, as hono middleware does', async () => {
  const seen: string[] = [];
  const around: Guard = async (ctx, next) => {
    seen.push('before');
    await next(ctx);
    seen.push('after');
  };
  await compose([around, async () => void seen.push('inner')])(fakeContext().ctx);
  expect(seen).toEqual(['before', 'inner', 'after']);
});

test('calling next twice is an error, and the rest of the chain runs once', async () => {
  let inner = 0;
  const twice: Guard = (ctx, next) => {
    void next(ctx);
    return next(ctx);
  };
  expect(() => compose([twice, () => void (inner += 1)])(fakeContext().ctx)).toThrow(/next\(\) called multiple times by guard 0 \(twice\)/);
  expect(inner).toBe(1);
});

test('calling next twice after an await is an error too', async () => {
  const late: Guard = async (ctx, next) => {
    await next(ctx);
    await next(ctx);
  };
  await expect(compose([late, async () => {}])(fakeContext().ctx)).rejects.toThrow(/next\(\) called multiple times/);
});

test('a chain of synchronous guards returns synchronously (no promise per request)', () => {
  const pass: Guard = (ctx, next) => next(ctx);
  expect(compose([pass, pass, () => {}])(fakeContext().ctx)).toBeUndefined();
});

test('a throw in a guard reaches the caller and stops the chain', () => {
  let reached = false;
  const refuse: Guard = () => {
    throw new Error('no');
  };
  expect(() => compose([refuse, () => void (reached = true)])(fakeContext().ctx)).toThrow('no');
  expect(reached).toBe(false);
});

test('one composed chain serves many requests, each with its own progress', async () => {
  const chain = compose([(ctx, next) => next(ctx), () => {}]);
  const a = fakeContext().ctx;
  const b = fakeContext().ctx;
  await chain(a);
  await chain(b);
  expect([a.cursor, b.cursor]).toEqual([1, 1]);
});
