/** jitterOffsetMs and occurrenceId: stable, in range, and different where they should be. */
import { describe, expect, it } from "vitest";
import { jitterOffsetMs, occurrenceId } from "../../src/domain/schedule";

const T = Date.UTC(2026, 0, 1, 2, 0, 0);

describe("jitterOffsetMs", () => {
  it("is stable for the same seed and occurrence", () => {
    expect(jitterOffsetMs("acme/nightly", T, 300)).toBe(jitterOffsetMs("acme/nightly", T, 300));
  });

  it("is pinned, so a deploy does not move fires", () => {
    expect([jitterOffsetMs("acme/nightly", T, 300), jitterOffsetMs("acme/nightly", T + 86_400_000, 300), jitterOffsetMs("globex/nightly", T, 3600)]).toEqual(
      JITTER_GOLDEN,
    );
  });

  it("is 0 without jitter", () => {
    expect(jitterOffsetMs("acme/nightly", T, 0)).toBe(0);
  });

  it("stays in [0, jitterSeconds * 1000) and spreads over the range", () => {
    for (const seconds of [1, 7, 60, 3600]) {
      const values = Array.from({ length: 2000 }, (_, i) => jitterOffsetMs("acme/every-minute", T + i * 60_000, seconds));
      for (const v of values) {
        expect(Number.isInteger(v)).toBe(true);
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThan(seconds * 1000);
      }
      const buckets = new Array(10).fill(0);
      for (const v of values) buckets[Math.floor((v / (seconds * 1000)) * 10)]++;
      for (const b of buckets) expect(b).toBeGreaterThan(120); // 200 expected in each tenth
    }
  });

  it("differs between triggers sharing an occurrence", () => {
    const values = new Set(Array.from({ length: 100 }, (_, i) => jitterOffsetMs(`acme/trigger-${i}`, T, 3600)));
    expect(values.size).toBeGreaterThan(95);
  });
});

describe("occurrenceId", () => {
  it("is deterministic and pinned", () => {
    expect(occurrenceId("acme/nightly", T)).toBe(occurrenceId("acme/nightly", T));
    expect(occurrenceId("acme/nightly", T)).toBe(ID_GOLDEN);
  });

  it("has the documented shape", () => {
    expect(occurrenceId("acme/nightly", T)).toMatch(/^sch_[0-9a-z]{9}_[0-9a-f]{16}$/);
    expect(occurrenceId("", 0)).toMatch(/^sch_000000000_[0-9a-f]{16}$/);
  });

  it("differs by trigger and by time", () => {
    expect(occurrenceId("acme/nightly", T)).not.toBe(occurrenceId("acme/nightly", T + 1000));
    expect(occurrenceId("acme/nightly", T)).not.toBe(occurrenceId("acme/nightly2", T));
    const ids = new Set(Array.from({ length: 10_000 }, (_, i) => occurrenceId(`tenant-${i % 100}/trigger-${i}`, T)));
    expect(ids.size).toBe(10_000);
  });

  it("sorts one trigger's ids by time", () => {
    const times = [0, 1, 35, 36, T, T + 1000, Date.UTC(2100, 0, 1)];
    const ids = times.map((t) => occurrenceId("acme/nightly", t));
    expect([...ids].sort()).toEqual(ids);
  });
});

const JITTER_GOLDEN = [260553, 266648, 2329005];
const ID_GOLDEN = "sch_0mjuss3k0_d398736d3c85877e";
