/** The flow rate limit's sliding window: exact in every window, also across a window's edge, and its checkpoint round-trips. */
import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { SlidingWindow } from "../../src/domain/flow/sliding-window";

describe("SlidingWindow", () => {
  it("grants up to the limit, then room comes back as the oldest starts leave the window", () => {
    const w = new SlidingWindow(3, 1000);
    expect(w.room(0)).toBe(3);
    w.take(0, 2);
    w.take(400, 1);
    expect(w.room(500)).toBe(0);
    expect(w.nextRoomAt(500)).toBe(1001);
    expect(w.room(1000)).toBe(0); // a start at 0 still counts at 1000: the window is inclusive at both ends
    expect(w.room(1001)).toBe(2);
    expect(w.nextRoomAt(1001)).toBe(1001);
  });

  it("a token bucket's edge burst cannot happen: no interval of the period ever holds more than the limit", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 10, max: 2000 }), fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 200 }), (limit, period, gaps) => {
      const w = new SlidingWindow(limit, period);
      const starts: number[] = [];
      let now = 0;
      for (const g of gaps) {
        now += g;
        const n = w.room(now);
        w.take(now, n);
        for (let i = 0; i < n; i++) starts.push(now);
      }
      for (const s of starts) expect(starts.filter((t) => t >= s && t <= s + period).length).toBeLessThanOrEqual(limit);
    }));
  });

  it("a checkpoint restores the same decisions", () => {
    const a = new SlidingWindow(5, 1000);
    a.take(10, 3);
    a.take(20, 2);
    const b = new SlidingWindow(5, 1000, JSON.parse(JSON.stringify(a.state(30))));
    expect(b.room(500)).toBe(0);
    expect(b.nextRoomAt(500)).toBe(a.nextRoomAt(500));
    expect(b.room(1011)).toBe(3);
  });
});
