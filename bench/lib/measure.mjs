/**
 * Load generation and reporting helpers shared by the benchmarks: a bounded
 * closed-loop load runner, percentiles, result rows, tables and machine info.
 */
import { cpus, availableParallelism, totalmem, type, release, arch, loadavg } from "node:os";
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "../../test/e2e/lib/wrangler.mjs";

/** Nearest-rank percentile of an ascending array (null when empty). */
export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * Runs `request(i)` `count` times with `concurrency` in flight (closed loop),
 * timing each call. `request` returns true when the answer was the expected one.
 * Stops early (and says so) when `maxMs` is exceeded.
 *
 * @returns {Promise<{ count: number, ok: number, errors: number, elapsedMs: number, perSecond: number, p50: number, p99: number, latencies: number[], firstError: string|null, truncated: boolean }>}
 */
export async function runLoad({ count, concurrency, request, maxMs = 90_000 }) {
  const latencies = [];
  let next = 0;
  let ok = 0;
  let errors = 0;
  let firstError = null;
  let truncated = false;
  const start = performance.now();
  const worker = async () => {
    while (next < count) {
      if (performance.now() - start > maxMs) {
        truncated = true;
        return;
      }
      const i = next++;
      const t0 = performance.now();
      try {
        const good = await request(i);
        latencies.push(performance.now() - t0);
        if (good === false) throw new Error("unexpected answer");
        ok++;
      } catch (e) {
        errors++;
        firstError ??= e.message;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const elapsedMs = performance.now() - start;
  latencies.sort((a, b) => a - b);
  return {
    count: ok + errors, ok, errors, elapsedMs, perSecond: (ok / elapsedMs) * 1000,
    p50: percentile(latencies, 50), p99: percentile(latencies, 99), latencies, firstError, truncated,
  };
}

/**
 * One result row. `target` is { op: "<=" | ">=", value } or null; pass is
 * computed from it (null when there is no target or no value).
 */
export function row({ metric, value, unit, baseline = null, baselineLabel = "", target = null, note = "" }) {
  const ratio = value != null && baseline != null && baseline !== 0 ? value / baseline : null;
  let pass = null;
  if (target && value != null && Number.isFinite(value)) pass = target.op === "<=" ? value <= target.value : value >= target.value;
  return { metric, value, unit, baseline, baselineLabel, ratio, target, pass, note };
}

function fmtNum(v) {
  if (v == null || Number.isNaN(v)) return "—";
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  return v.toFixed(3).replace(/0+$/, "").replace(/\.$/, "");
}

/** The cells of a row, formatted. */
export function cells(r) {
  return [
    r.metric,
    r.value == null ? "—" : `${fmtNum(r.value)} ${r.unit}`.trim(),
    r.baseline == null ? "—" : `${fmtNum(r.baseline)} ${r.unit}`.trim() + (r.baselineLabel ? ` (${r.baselineLabel})` : ""),
    r.ratio == null ? "—" : `${r.ratio.toFixed(2)}×`,
    r.target ? `${r.target.op === "<=" ? "≤" : "≥"} ${r.target.value} ${r.unit}`.trim() : "—",
    r.pass == null ? "—" : r.pass ? "pass" : "FAIL",
  ];
}

export const HEADERS = ["metric", "value", "same-run baseline", "ratio", "target", "result"];

/** A plain-text table for the terminal. */
export function textTable(rows) {
  const all = [HEADERS, ...rows.map(cells)];
  const widths = HEADERS.map((_, i) => Math.max(...all.map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => String(c).padEnd(widths[i])).join("  ");
  return [line(HEADERS), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map((r) => line(cells(r)))].join("\n");
}

/** A Markdown table. */
export function markdownTable(rows) {
  const esc = (c) => String(c).replaceAll("|", "\\|");
  return [
    `| ${HEADERS.join(" | ")} |`,
    `| ${HEADERS.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${cells(r).map(esc).join(" | ")} |`),
  ].join("\n");
}

/** What the numbers were measured on. */
export function machineInfo() {
  let wrangler = "?";
  try {
    wrangler = JSON.parse(readFileSync(join(REPO_ROOT, "node_modules", "wrangler", "package.json"), "utf8")).version;
  } catch {
    // not installed
  }
  const c = cpus();
  return {
    os: `${type()} ${release()} ${arch()}`,
    cpu: c[0]?.model ?? "unknown",
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    wrangler,
    /** 1-minute load average when asked: other work on the machine skews every figure */
    load1: Number(loadavg()[0].toFixed(2)),
  };
}

/** Which code was measured: the commit, and whether the service's files had uncommitted changes. */
export function sourceInfo() {
  const git = (...args) => execFileSync("git", args, { cwd: REPO_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  try {
    const commit = git("rev-parse", "--short", "HEAD");
    const dirty = git("status", "--porcelain", "--", "src", "durable-objects", "migrations", "wrangler.toml", "package.json").split("\n").filter(Boolean).length;
    return dirty ? `${commit} + ${dirty} uncommitted service file change(s)` : commit;
  } catch {
    return "unknown (no git)";
  }
}

/** The most requests open at once, from their start and end times (an unanswered one is open until now). */
export function peakOpen(reqs) {
  const edges = [];
  for (const r of reqs) {
    edges.push([r.startedAt, 1]);
    edges.push([r.endedAt ?? Date.now(), -1]);
  }
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let peak = 0;
  for (const [, d] of edges) peak = Math.max(peak, (open += d));
  return peak;
}

/** Polls `fn` every 50 ms until it is true; throws after `ms`. */
export async function waitFor(fn, ms, what) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The answer of a harness call, or an error naming `what` unless it is 2xx. */
export async function must(p, what) {
  const r = await p;
  if (r.status >= 300) throw new Error(`${what}: HTTP ${r.status} ${String(r.text ?? "").slice(0, 200)}`);
  return r;
}

/** Runs `task(i)` for i < count, `concurrency` at a time; answers the results in order. */
export async function pool(count, concurrency, task) {
  let next = 0;
  const out = new Array(count);
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) {
      const i = next++;
      out[i] = await task(i);
    }
  }));
  return out;
}
