/** Fixed-bucket histograms: bucket edges, merge, quantile estimates, JSON checkpoints and rendering through the exposition. */
import { describe, expect, it } from "vitest";
import parse from "parse-prometheus-text-format";
import {
  DELIVERY_LATENCY_BOUNDS, SCHEDULE_LATENESS_BOUNDS, count, createHistogram, fromJSON, merge, observe, quantile, toSeries,
} from "../../src/domain/metrics/histogram";
import { renderExposition } from "../../src/domain/metrics/exposition";

const filled = (bounds: readonly number[], values: number[]) => values.reduce((h, v) => observe(h, v), createHistogram(bounds));

describe("createHistogram", () => {
  it("has one count per bound plus the overflow bucket", () => {
    const h = createHistogram(DELIVERY_LATENCY_BOUNDS);
    expect(h).toEqual({ bounds: [...DELIVERY_LATENCY_BOUNDS], counts: new Array(14).fill(0), sumMs: 0 });
    expect(DELIVERY_LATENCY_BOUNDS[0]).toBe(0.005);
    expect(DELIVERY_LATENCY_BOUNDS.at(-1)).toBe(60);
    expect(SCHEDULE_LATENESS_BOUNDS.every((b, i) => i === 0 || b > SCHEDULE_LATENESS_BOUNDS[i - 1])).toBe(true);
  });
  it("does not share the bounds array it was given", () => {
    const bounds = [1, 2];
    const h = createHistogram(bounds);
    bounds[0] = 99;
    expect(h.bounds).toEqual([1, 2]);
  });
  it("rejects empty, unsorted, repeated, negative or infinite bounds", () => {
    for (const b of [[], [2, 1], [1, 1], [-1, 1], [1, Infinity], [NaN]]) expect(() => createHistogram(b), JSON.stringify(b)).toThrow();
  });
});

describe("observe", () => {
  it("puts a value equal to a bound in that bound's bucket (le), and just above it in the next", () => {
    const h = filled([0.005, 0.1, 1], [5, 5.001, 100, 1000, 1000.5]);
    expect(h.counts).toEqual([1, 2, 1, 1]);
  });
  it("counts values above every bound in the overflow bucket and sums in ms", () => {
    const h = filled(DELIVERY_LATENCY_BOUNDS, [120_000, 1, 30]);
    expect(h.counts.at(-1)).toBe(1);
    expect(h.counts[0]).toBe(1);
    expect(h.sumMs).toBe(120_031);
    expect(count(h)).toBe(3);
  });
  it("counts negative values as 0 and ignores NaN and infinities", () => {
    const h = filled([1], [-50, NaN, Infinity, -Infinity]);
    expect(h.counts).toEqual([1, 0]);
    expect(h.sumMs).toBe(0);
  });
  it("changes the state in place and returns it", () => {
    const h = createHistogram([1]);
    expect(observe(h, 2000)).toBe(h);
    expect(h.counts).toEqual([0, 1]);
  });
});

describe("merge", () => {
  it("adds counts and sums and leaves both inputs alone", () => {
    const a = filled([0.1, 1], [50, 500]);
    const b = filled([0.1, 1], [5000, 10]);
    const m = merge(a, b);
    expect(m).toEqual({ bounds: [0.1, 1], counts: [2, 1, 1], sumMs: 5560 });
    expect(a.counts).toEqual([1, 1, 0]);
    expect(b.counts).toEqual([1, 0, 1]);
  });
  it("refuses histograms with other bounds", () => {
    expect(() => merge(createHistogram([1]), createHistogram([2]))).toThrow(/different bounds/);
    expect(() => merge(createHistogram([1]), createHistogram([1, 2]))).toThrow(/different bounds/);
  });
});

describe("quantile", () => {
  it("interpolates inside the bucket the rank falls in, in ms", () => {
    // 10 values in (0, 100 ms], 10 in (100 ms, 1 s]
    const h = filled([0.1, 1], [...new Array(10).fill(50), ...new Array(10).fill(900)]);
    expect(quantile(h, 0.5)).toBeCloseTo(100, 9);
    expect(quantile(h, 0.25)).toBeCloseTo(50, 9);
    expect(quantile(h, 0.75)).toBeCloseTo(550, 9);
    expect(quantile(h, 1)).toBeCloseTo(1000, 9);
    expect(quantile(h, 0)).toBe(0);
  });
  it("skips empty buckets and gives the largest bound for the overflow", () => {
    const h = filled([1, 2, 3], [2500, 2600, 9000, 9000]);
    expect(quantile(h, 0.5)).toBeCloseTo(3000, 9);
    expect(quantile(h, 0.99)).toBe(3000);
    expect(quantile(h, 0.1)).toBeCloseTo(2200, 9);
  });
  it("tracks the true quantile within a bucket's width on real-looking latencies", () => {
    const values = Array.from({ length: 1000 }, (_, i) => 3 + ((i * 7919) % 1000) * 2.5); // 3 ms .. 2.5 s, spread evenly
    const h = filled(DELIVERY_LATENCY_BOUNDS, values);
    const sorted = [...values].sort((a, b) => a - b);
    expect(Math.abs(quantile(h, 0.5)! - sorted[499])).toBeLessThan(250);
    expect(Math.abs(quantile(h, 0.99)! - sorted[989])).toBeLessThan(1500);
  });
  it("is null for an empty histogram or p outside 0..1", () => {
    expect(quantile(createHistogram([1]), 0.5)).toBeNull();
    const h = filled([1], [10]);
    for (const p of [-0.1, 1.1, NaN]) expect(quantile(h, p)).toBeNull();
  });
});

describe("JSON checkpoints", () => {
  it("round-trip through JSON and keep observing", () => {
    const h = filled(SCHEDULE_LATENESS_BOUNDS, [3, 40, 7_200_000]);
    const back = fromJSON(JSON.parse(JSON.stringify(h)), SCHEDULE_LATENESS_BOUNDS)!;
    expect(back).toEqual(h);
    observe(back, 3);
    expect(back.counts[0]).toBe(2);
    expect(h.counts[0]).toBe(1);
  });
  it("turn corrupt or foreign state into null", () => {
    const good = createHistogram([1, 2]);
    const cases: unknown[] = [
      null, 5, "x", {}, { ...good, counts: [0, 0] }, { ...good, bounds: [2, 1] }, { ...good, counts: [0, -1, 0] },
      { ...good, counts: [0, 1.5, 0] }, { ...good, sumMs: "1" }, { ...good, sumMs: -1 }, { ...good, bounds: [], counts: [0] },
    ];
    for (const c of cases) expect(fromJSON(c), JSON.stringify(c)).toBeNull();
    expect(fromJSON(good, [1, 3])).toBeNull();
    expect(fromJSON(good)).toEqual(good);
  });
});

describe("toSeries", () => {
  it("renders as a Prometheus histogram in seconds with cumulative buckets", () => {
    const h = filled([0.05, 0.5], [20, 20, 300, 4000]);
    const text = renderExposition([{ name: "signalbox_delivery_latency_seconds", help: "Fire to 2xx.", type: "histogram", series: [toSeries(h)] }]);
    const [family] = parse(text);
    expect(family.metrics).toEqual([{ buckets: { "0.05": "2", "0.5": "3", "+Inf": "4" }, sum: "4.34", count: "4" }]);
    expect(toSeries(h, { trigger: "t" }).labels).toEqual({ trigger: "t" });
  });
});
