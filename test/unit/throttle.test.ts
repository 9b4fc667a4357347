import t from 'tap';
import { decideThrottle } from '../../src/notify/throttle.js';

const now = new Date('2026-11-23T10:00:00Z');
const ago = (s: number) => new Date(now.getTime() - s * 1000);
const s = { limit: 3, windowSeconds: 900 };

t.test('under the limit: sent', async (t) => {
  t.same(decideThrottle([], now, s), { throttled: false });
  t.same(decideThrottle([ago(10), ago(20)], now, s), { throttled: false });
});

t.test('at the limit: held until the oldest counted send leaves the window', async (t) => {
  t.same(decideThrottle([ago(100), ago(600), ago(300)], now, s), { throttled: true, digestAt: new Date(ago(600).getTime() + 900_000) });
  // Five in the window with a limit of 3: one more is allowed once the third newest leaves.
  t.same(decideThrottle([ago(1), ago(2), ago(3), ago(800), ago(850)], now, s), {
    throttled: true,
    digestAt: new Date(ago(3).getTime() + 900_000),
  });
});

t.test('sends outside the window do not count', async (t) => {
  t.same(decideThrottle([ago(900), ago(901), ago(5000), ago(1)], now, s), { throttled: false });
  t.same(decideThrottle([ago(899), ago(2), ago(1)], now, s).throttled, true);
});

t.test('a limit of one holds everything after the first', async (t) => {
  t.same(decideThrottle([ago(0)], now, { limit: 1, windowSeconds: 60 }), { throttled: true, digestAt: new Date(now.getTime() + 60_000) });
});
