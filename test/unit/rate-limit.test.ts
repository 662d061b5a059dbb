import { describe, it, expect } from "vitest";
import { takeRateLimit, type RateWindow } from "../../src/domain/rate-limit";

const limit = { max: 3, windowSeconds: 60 };
const T0 = 1_700_000_040_000; // a multiple of 60 s

describe("takeRateLimit", () => {
  it("aligns windows to multiples of the window length", () => {
    const r = takeRateLimit(null, limit, T0 + 12_345);
    expect(r).toEqual({ allowed: true, next: { windowStart: T0, count: 1 }, retryAfterSeconds: 0 });
  });

  it("admits max requests per window, then refuses without changing state", () => {
    let w: RateWindow | null = null;
    for (let i = 1; i <= 3; i++) {
      const r = takeRateLimit(w, limit, T0 + i * 1000);
      expect(r.allowed).toBe(true);
      expect(r.next.count).toBe(i);
      w = r.next;
    }
    const refused = takeRateLimit(w, limit, T0 + 10_500);
    expect(refused.allowed).toBe(false);
    expect(refused.next).toBe(w);
    expect(refused.retryAfterSeconds).toBe(50); // ceil(49.5)
  });

  it("starts a fresh count in the next window", () => {
    const full: RateWindow = { windowStart: T0, count: 3 };
    const r = takeRateLimit(full, limit, T0 + 60_000);
    expect(r).toEqual({ allowed: true, next: { windowStart: T0 + 60_000, count: 1 }, retryAfterSeconds: 0 });
  });

  it("gives at least one second of Retry-After at the very end of a window", () => {
    const r = takeRateLimit({ windowStart: T0, count: 3 }, limit, T0 + 59_999);
    expect(r.allowed).toBe(false);
    expect(r.retryAfterSeconds).toBe(1);
  });

  it("refuses everything when max is 0", () => {
    const r = takeRateLimit(null, { max: 0, windowSeconds: 10 }, T0 + 1000);
    expect(r.allowed).toBe(false);
    expect(r.next).toEqual({ windowStart: T0, count: 0 });
    expect(r.retryAfterSeconds).toBe(9);
  });

  it("rejects a non-positive window", () => {
    expect(() => takeRateLimit(null, { max: 1, windowSeconds: 0 }, T0)).toThrow(RangeError);
  });
});
