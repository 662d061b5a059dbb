/**
 * Prometheus text exposition, format 0.0.4 (what `GET /v1/metrics` answers):
 * metric families in, text out. Escaping, name checks, number formatting and
 * ordering live here so the route only gathers figures.
 */

/** `text/plain; version=0.0.4`, the content type of the output. */
export const EXPOSITION_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

type Labels = Record<string, string>;

/** One counter or gauge series. */
export type ScalarSeries = { labels?: Labels; value: number };

/**
 * One histogram series. `counts[i]` is the number of observations in bucket
 * i alone (not cumulative), with `counts.length === upperBounds.length + 1`:
 * the last count is the overflow bucket (above the largest bound).
 */
export type HistogramSeries = { labels?: Labels; upperBounds: number[]; counts: number[]; sum: number };

export type MetricFamily =
  | { name: string; help: string; type: "counter" | "gauge"; series: ScalarSeries[] }
  | { name: string; help: string; type: "histogram"; series: HistogramSeries[] };

const METRIC_NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Whether `name` is a valid metric name.
 * @example isValidMetricName("signalbox_fires_total") // true
 * @internal (exported for tests)
 */
export function isValidMetricName(name: string): boolean {
  return typeof name === "string" && METRIC_NAME_RE.test(name);
}

/**
 * Whether `name` may be used as a label name: valid, and not reserved
 * (`__` prefix).
 * @example isValidLabelName("trigger") // true
 * @internal (exported for tests)
 */
export function isValidLabelName(name: string): boolean {
  return typeof name === "string" && LABEL_NAME_RE.test(name) && !name.startsWith("__");
}

/**
 * A label value as it goes between the quotes: `\`, `"` and newline escaped.
 * @example escapeLabelValue('a"b\\c\nd') // 'a\\"b\\\\c\\nd'
 * @internal (exported for tests)
 */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/**
 * HELP text: `\` and newline escaped (quotes stay as they are in 0.0.4).
 * @example escapeHelp("line 1\nline 2") // "line 1\\nline 2"
 * @internal (exported for tests)
 */
export function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

/**
 * A sample value as the format spells it: `+Inf`, `-Inf`, `NaN`, else the
 * shortest round-tripping decimal (Go's ParseFloat reads `1e+21` too).
 * @example formatValue(Infinity) // "+Inf"
 * @internal (exported for tests)
 */
export function formatValue(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "+Inf";
  if (n === -Infinity) return "-Inf";
  return Object.is(n, -0) ? "0" : String(n);
}

/**
 * The exposition text of `families`, ending with a newline. Families are
 * sorted by name and series by their labels, so equal input in any order
 * gives equal text. Every family gets `# HELP` and `# TYPE`, series or not.
 * Throws on an invalid or duplicated metric or label name, on a counter not
 * named `*_total` (or another type that is), on a negative counter, and on a
 * histogram whose bounds and counts disagree: all of these are bugs in the
 * caller, never bad user input (label values may hold anything).
 * @example
 * renderExposition([{ name: "jobs_total", help: "Jobs.", type: "counter", series: [{ labels: { q: "a" }, value: 3 }] }])
 * // '# HELP jobs_total Jobs.\n# TYPE jobs_total counter\njobs_total{q="a"} 3\n'
 */
export function renderExposition(families: MetricFamily[]): string {
  checkNames(families);
  const lines: string[] = [];
  for (const family of [...families].sort((a, b) => compare(a.name, b.name))) {
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    const keyed = family.series.map((s) => ({ s, pairs: labelPairs(family.name, s.labels, family.type === "histogram") }));
    keyed.sort((a, b) => compare(a.pairs.key, b.pairs.key));
    for (let i = 1; i < keyed.length; i++) {
      if (keyed[i].pairs.key === keyed[i - 1].pairs.key) throw new Error(`metric ${family.name}: two series with the labels {${keyed[i].pairs.text}}`);
    }
    for (const { s, pairs } of keyed) {
      if (family.type === "histogram") lines.push(...histogramLines(family.name, s as HistogramSeries, pairs.text));
      else lines.push(scalarLine(family, s as ScalarSeries, pairs.text));
    }
  }
  return lines.length ? lines.join("\n") + "\n" : "";
}

function checkNames(families: MetricFamily[]): void {
  const taken = new Set<string>();
  for (const f of families) {
    if (!isValidMetricName(f.name)) throw new Error(`invalid metric name ${JSON.stringify(f.name)}`);
    if (f.type !== "counter" && f.type !== "gauge" && f.type !== "histogram") throw new Error(`metric ${f.name}: unknown type ${JSON.stringify(f.type)}`);
    if ((f.type === "counter") !== f.name.endsWith("_total")) {
      throw new Error(f.type === "counter" ? `counter ${f.name} must be named *_total` : `${f.type} ${f.name} must not be named *_total`);
    }
    const names = f.type === "histogram" ? [f.name, `${f.name}_bucket`, `${f.name}_sum`, `${f.name}_count`] : [f.name];
    for (const n of names) {
      if (taken.has(n)) throw new Error(`metric name ${n} is used twice`);
      taken.add(n);
    }
  }
}

/** `text` goes between the braces; `key` sorts and compares series (NUL never occurs in names). */
function labelPairs(metric: string, labels: Labels | undefined, histogram: boolean): { text: string; key: string } {
  const names = Object.keys(labels ?? {}).sort(compare);
  for (const n of names) {
    if (!isValidLabelName(n)) throw new Error(`metric ${metric}: invalid label name ${JSON.stringify(n)}`);
    if (histogram && n === "le") throw new Error(`metric ${metric}: a histogram cannot have a label named le`);
    if (typeof labels![n] !== "string") throw new Error(`metric ${metric}: label ${n} must be a string`);
  }
  return {
    text: names.map((n) => `${n}="${escapeLabelValue(labels![n])}"`).join(","),
    key: names.map((n) => `${n}\u0000${labels![n]}`).join("\u0000\u0000"),
  };
}

function scalarLine(family: MetricFamily, s: ScalarSeries, labels: string): string {
  if (typeof s.value !== "number") throw new Error(`metric ${family.name}: value must be a number`);
  if (family.type === "counter" && s.value < 0) throw new Error(`counter ${family.name} cannot be negative (${s.value})`);
  return `${family.name}${labels ? `{${labels}}` : ""} ${formatValue(s.value)}`;
}

function histogramLines(name: string, s: HistogramSeries, labels: string): string[] {
  const { upperBounds: bounds, counts } = s;
  if (counts.length !== bounds.length + 1) throw new Error(`histogram ${name}: needs ${bounds.length + 1} counts for ${bounds.length} bounds, got ${counts.length}`);
  for (let i = 0; i < bounds.length; i++) {
    if (!Number.isFinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) throw new Error(`histogram ${name}: bounds must be finite and increasing`);
  }
  if (counts.some((c) => !(c >= 0))) throw new Error(`histogram ${name}: counts cannot be negative`);
  const prefix = labels ? `${labels},` : "";
  const lines: string[] = [];
  let cumulative = 0;
  for (let i = 0; i <= bounds.length; i++) {
    cumulative += counts[i];
    const le = i < bounds.length ? formatValue(bounds[i]) : "+Inf";
    lines.push(`${name}_bucket{${prefix}le="${le}"} ${formatValue(cumulative)}`);
  }
  const braces = labels ? `{${labels}}` : "";
  lines.push(`${name}_sum${braces} ${formatValue(s.sum)}`, `${name}_count${braces} ${formatValue(cumulative)}`);
  return lines;
}

/** Code-unit order: the same everywhere, unlike localeCompare. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
