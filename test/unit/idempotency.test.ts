import { describe, it, expect } from "vitest";
import { DEFAULT_DEDUP_WINDOW_SECONDS, dedupExpiresAt, isDedupLive, validIdempotencyKey } from "../../src/domain/idempotency";

describe("dedup window", () => {
  it("defaults to 24 hours", () => {
    expect(DEFAULT_DEDUP_WINDOW_SECONDS).toBe(86400);
    expect(dedupExpiresAt(1_000)).toBe(1_000 + 86_400_000);
  });
  it("uses the given window", () => {
    expect(dedupExpiresAt(1_000, 60)).toBe(61_000);
    expect(dedupExpiresAt(1_000, 0)).toBe(1_000);
  });
  it("refuses negative or non-finite windows", () => {
    expect(() => dedupExpiresAt(0, -1)).toThrow(RangeError);
    expect(() => dedupExpiresAt(0, Number.NaN)).toThrow(RangeError);
  });
  it("is live strictly before expiry", () => {
    expect(isDedupLive(61_000, 60_999)).toBe(true);
    expect(isDedupLive(61_000, 61_000)).toBe(false);
    expect(isDedupLive(61_000, 70_000)).toBe(false);
  });
});

describe("validIdempotencyKey", () => {
  it("accepts printable ASCII of 1-256 characters", () => {
    for (const k of ["a", "evt_123", "!~", "x".repeat(256), "a:b/c=d"]) expect(validIdempotencyKey(k), k).toBe(true);
  });
  it("rejects non-strings, empty, spaces, control and non-ASCII characters, overlong keys", () => {
    for (const k of [undefined, null, 5, {}, "", "a b", "a\tb", "a\nb", "é", "x".repeat(257)]) {
      expect(validIdempotencyKey(k), String(k)).toBe(false);
    }
  });
});
