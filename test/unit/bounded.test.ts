/** Bounded fan-out: order kept, never more than the limit at once, failures contained, lanes interleaved. */
import { describe, it, expect } from "vitest";
import { mapBounded, roundRobin, runBounded } from "../../src/domain/bounded";

describe("mapBounded", () => {
  it("keeps the order of results and never runs more than the limit at once", async () => {
    let open = 0;
    let peak = 0;
    const out = await mapBounded(Array.from({ length: 40 }, (_, i) => i), 6, async (n) => {
      peak = Math.max(peak, ++open);
      await new Promise((r) => setTimeout(r, (n * 7) % 5));
      open--;
      return n * 2;
    });
    expect(out).toEqual(Array.from({ length: 40 }, (_, i) => i * 2));
    expect(peak).toBe(6);
  });

  it("handles no items", async () => {
    expect(await mapBounded([], 6, async () => 1)).toEqual([]);
  });
});

describe("runBounded", () => {
  it("a failing task does not stop the others", async () => {
    const done: number[] = [];
    await runBounded([async () => void done.push(1), async () => { throw new Error("x"); }, async () => void done.push(3)], 2);
    expect(done.sort()).toEqual([1, 3]);
  });
});

describe("roundRobin", () => {
  it("gives every group a turn before any gets a second", () => {
    expect(roundRobin([[1, 2, 3], [9], [7, 8]])).toEqual([1, 9, 7, 2, 8, 3]);
    expect(roundRobin([])).toEqual([]);
  });
});
