/** renderExposition read back by a real parser (parse-prometheus-text-format): values, escaping, histograms, ordering and the name checks. */
import { describe, expect, it } from "vitest";
import parse from "parse-prometheus-text-format";
import {
  escapeHelp, escapeLabelValue, formatValue, isValidLabelName, isValidMetricName, renderExposition, type MetricFamily,
} from "../../src/domain/metrics/exposition";

/** Each sample line parsed on its own, so labelled histograms keep their labels (the parser folds a histogram family into one object). */
function samples(text: string): { name: string; labels: Record<string, string>; value: string }[] {
  return text
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((line) => {
      const [family] = parse(line + "\n");
      const [m] = family.metrics;
      return { name: family.name, labels: m.labels ?? {}, value: m.value! };
    });
}

const HOSTILE = [
  'say "hi"',
  "C:\\DIR\\FILE.TXT",
  "two\nlines",
  'all \\" three\n\\n',
  "ünïcødé ✓ 🚀 日本",
  "braces {a=\"b\"}, commas, = signs",
  "trailing backslash \\",
  "",
];

describe("renderExposition: counters and gauges", () => {
  const families: MetricFamily[] = [
    {
      name: "signalbox_fires_total", help: "Fires recorded.", type: "counter",
      series: [
        { labels: { trigger: "b", type: "event", source: "api" }, value: 2 },
        { labels: { trigger: "a", type: "webhook", source: "webhook" }, value: 1027 },
      ],
    },
    { name: "signalbox_deliveries_pending", help: "Deliveries not settled yet.", type: "gauge", series: [{ labels: { trigger: "a" }, value: 3.5 }] },
    { name: "signalbox_poll_failures_total", help: "Failed polls.", type: "counter", series: [] },
  ];
  const text = renderExposition(families);
  const parsed = parse(text);

  it("gives every family HELP and TYPE, including one with no series", () => {
    expect(parsed.map((f) => [f.name, f.type, f.help])).toEqual([
      ["signalbox_deliveries_pending", "GAUGE", "Deliveries not settled yet."],
      ["signalbox_fires_total", "COUNTER", "Fires recorded."],
      ["signalbox_poll_failures_total", "COUNTER", "Failed polls."],
    ]);
    expect(parsed[2].metrics).toEqual([]);
    expect(text).toContain("# HELP signalbox_poll_failures_total Failed polls.\n# TYPE signalbox_poll_failures_total counter\n");
  });

  it("keeps counter sample names as given and reads back every value and label", () => {
    expect(samples(text)).toEqual([
      { name: "signalbox_deliveries_pending", labels: { trigger: "a" }, value: "3.5" },
      // series sort by their labels in name order: source first
      { name: "signalbox_fires_total", labels: { source: "api", trigger: "b", type: "event" }, value: "2" },
      { name: "signalbox_fires_total", labels: { source: "webhook", trigger: "a", type: "webhook" }, value: "1027" },
    ]);
  });

  it("is deterministic: the same families in another order give the same text, labels sorted by name", () => {
    const shuffled = [...families].reverse().map((f) => ({ ...f, series: [...f.series].reverse() })) as MetricFamily[];
    expect(renderExposition(shuffled)).toBe(text);
    expect(text).toContain('signalbox_fires_total{source="api",trigger="b",type="event"} 2\n');
    expect(text.endsWith("\n")).toBe(true);
  });

  it("writes a series without labels without braces", () => {
    expect(renderExposition([{ name: "up", help: "h", type: "gauge", series: [{ value: 1 }] }])).toBe("# HELP up h\n# TYPE up gauge\nup 1\n");
  });

  it("round-trips hostile label values through the parser", () => {
    const series = HOSTILE.map((v, i) => ({ labels: { trigger: v, n: String(i) }, value: i }));
    const out = samples(renderExposition([{ name: "x_total", help: "h", type: "counter", series }]));
    expect(out).toHaveLength(HOSTILE.length);
    for (const s of out) expect(s.labels.trigger).toBe(HOSTILE[Number(s.labels.n)]);
    for (const s of out) expect(Number(s.value)).toBe(Number(s.labels.n));
  });

  it("escapes HELP text so the parser reads it back (newlines and backslashes)", () => {
    const help = 'Fires "recorded"\nper trigger \\ source';
    const [family] = parse(renderExposition([{ name: "x_total", help, type: "counter", series: [] }]));
    expect(family.help).toBe(help);
  });

  it("formats special values as +Inf, -Inf and NaN and the parser accepts them", () => {
    const text = renderExposition([{
      name: "g", help: "h", type: "gauge",
      series: [{ labels: { k: "a" }, value: Infinity }, { labels: { k: "b" }, value: -Infinity }, { labels: { k: "c" }, value: NaN }, { labels: { k: "d" }, value: 1e21 }, { labels: { k: "e" }, value: -0 }],
    }]);
    expect(samples(text).map((s) => s.value)).toEqual(["+Inf", "-Inf", "NaN", "1e+21", "0"]);
    expect(samples(text).map((s) => Number(s.value.replace("+Inf", "Infinity").replace("-Inf", "-Infinity")))).toEqual([Infinity, -Infinity, NaN, 1e21, 0]);
  });
});

describe("renderExposition: histograms", () => {
  const latency = (labels: Record<string, string>, counts: number[], sum: number) => ({ labels, upperBounds: [0.005, 0.1, 1], counts, sum });

  it("emits cumulative _bucket lines up to +Inf, then _sum and _count, which the parser reads as a histogram", () => {
    const text = renderExposition([{ name: "signalbox_delivery_latency_seconds", help: "Fire to 2xx.", type: "histogram", series: [{ upperBounds: [0.005, 0.1, 1], counts: [2, 0, 5, 1], sum: 3.25 }] }]);
    const [family] = parse(text);
    expect(family.type).toBe("HISTOGRAM");
    expect(family.metrics).toEqual([{ buckets: { "0.005": "2", "0.1": "2", "1": "7", "+Inf": "8" }, sum: "3.25", count: "8" }]);
  });

  it("keeps each labelled series' buckets cumulative and its _count equal to the +Inf bucket", () => {
    const text = renderExposition([{
      name: "signalbox_schedule_lateness_seconds", help: "h", type: "histogram",
      series: [latency({ trigger: 'night"ly' }, [0, 1, 1, 3], 12), latency({ trigger: "a\nb" }, [4, 0, 0, 0], 0.01)],
    }]);
    expect(parse(text)[0].type).toBe("HISTOGRAM");
    const all = samples(text);
    for (const trigger of ['night"ly', "a\nb"]) {
      const mine = all.filter((s) => s.labels.trigger === trigger);
      const buckets = mine.filter((s) => s.name.endsWith("_bucket"));
      expect(buckets.map((b) => b.labels.le)).toEqual(["0.005", "0.1", "1", "+Inf"]);
      const values = buckets.map((b) => Number(b.value));
      for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
      const countLine = mine.find((s) => s.name === "signalbox_schedule_lateness_seconds_count")!;
      expect(countLine.labels).toEqual({ trigger });
      expect(Number(countLine.value)).toBe(values[values.length - 1]);
    }
    expect(all.filter((s) => s.labels.trigger === 'night"ly').map((s) => s.value)).toEqual(["0", "1", "2", "5", "12", "5"]);
    expect(all.filter((s) => s.labels.trigger === "a\nb").map((s) => s.value)).toEqual(["4", "4", "4", "4", "0.01", "4"]);
  });

  it("puts le last among the labels", () => {
    const text = renderExposition([{ name: "h", help: "h", type: "histogram", series: [latency({ z: "1", a: "2" }, [1, 0, 0, 0], 0)] }]);
    expect(text).toContain('h_bucket{a="2",z="1",le="0.005"} 1\n');
    expect(text).toContain('h_sum{a="2",z="1"} 0\nh_count{a="2",z="1"} 1\n');
  });

  it("rejects counts that do not fit the bounds, unsorted bounds and a label named le", () => {
    const bad = (series: unknown) => () => renderExposition([{ name: "h", help: "", type: "histogram", series: [series as never] }]);
    expect(bad({ upperBounds: [1, 2], counts: [1, 2], sum: 0 })).toThrow(/needs 3 counts/);
    expect(bad({ upperBounds: [2, 1], counts: [0, 0, 0], sum: 0 })).toThrow(/increasing/);
    expect(bad({ upperBounds: [1], counts: [-1, 0], sum: 0 })).toThrow(/negative/);
    expect(bad({ labels: { le: "1" }, upperBounds: [1], counts: [0, 0], sum: 0 })).toThrow(/le/);
  });
});

describe("renderExposition: names and values it refuses", () => {
  const one = (f: Partial<MetricFamily>) => () => renderExposition([{ name: "x_total", help: "", type: "counter", series: [], ...f } as MetricFamily]);

  it("validates metric and label names", () => {
    expect(one({ name: "1bad_total" })).toThrow(/invalid metric name/);
    expect(one({ name: "bad-name_total" })).toThrow(/invalid metric name/);
    expect(one({ series: [{ labels: { "bad-label": "v" }, value: 1 }] })).toThrow(/invalid label name/);
    expect(one({ series: [{ labels: { __reserved: "v" }, value: 1 }] })).toThrow(/invalid label name/);
    expect(one({ series: [{ labels: { ok: 5 as unknown as string }, value: 1 }] })).toThrow(/must be a string/);
  });

  it("wants counters named *_total and nothing else named so", () => {
    expect(one({ name: "fires" })).toThrow(/must be named \*_total/);
    expect(() => renderExposition([{ name: "pending_total", help: "", type: "gauge", series: [] }])).toThrow(/must not be named/);
  });

  it("refuses negative counters, duplicate families, clashing histogram names and duplicate series", () => {
    expect(one({ series: [{ value: -1 }] })).toThrow(/negative/);
    expect(() => renderExposition([{ name: "a_total", help: "", type: "counter", series: [] }, { name: "a_total", help: "", type: "counter", series: [] }])).toThrow(/used twice/);
    expect(() => renderExposition([{ name: "lat", help: "", type: "histogram", series: [] }, { name: "lat_count", help: "", type: "gauge", series: [] }])).toThrow(/used twice/);
    expect(one({ series: [{ labels: { a: "1" }, value: 1 }, { labels: { a: "1" }, value: 2 }] })).toThrow(/two series/);
  });

  it("renders nothing for no families", () => {
    expect(renderExposition([])).toBe("");
  });
});

describe("helpers", () => {
  it("escape exactly what the format says", () => {
    expect(escapeLabelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
    expect(escapeLabelValue("tab\there é")).toBe("tab\there é");
    expect(escapeHelp('q"uote\\ \n')).toBe('q"uote\\\\ \\n');
  });
  it("format numbers", () => {
    expect([Infinity, -Infinity, NaN, 0, -0, 1.5, 1e-7, 42].map(formatValue)).toEqual(["+Inf", "-Inf", "NaN", "0", "0", "1.5", "1e-7", "42"]);
  });
  it("check names", () => {
    expect(["a", "a:b_c", "_x", "signalbox_fires_total"].every(isValidMetricName)).toBe(true);
    expect(["", "9a", "a-b", "a b", "é"].some(isValidMetricName)).toBe(false);
    expect(["trigger", "_x", "le"].every(isValidLabelName)).toBe(true);
    expect(["", "a:b", "__name__", "9"].some(isValidLabelName)).toBe(false);
  });
});
