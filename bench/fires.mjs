/**
 * Benchmark: fire throughput and latency. 5,000 POST /v1/triggers/{name}/fire
 * on a `manual` trigger with no subscribers at concurrency 32, next to a bare
 * GET /healthz run of the same size in the same wrangler dev (the baseline:
 * what the local runtime and the client cost without the service's work).
 */
import { row, runLoad } from "./lib/measure.mjs";

const COUNT = 5_000;
const CONCURRENCY = 32;
const WARMUP = 200;
const TRIGGER = "bench.manual";

export const name = "fires";
export const description = `${COUNT} fires on a manual trigger (no subscribers), concurrency ${CONCURRENCY}, vs GET /healthz`;

/** @param {typeof import("../test/e2e/lib/wrangler.mjs") & { log: (s: string) => void }} h */
export async function run(h) {
  const sb = await h.startWrangler({ logLevel: "warn" });
  try {
    const reg = await sb.api("PUT", `/v1/triggers/${TRIGGER}`, { body: { type: "manual", displayName: "bench" } });
    if (reg.status !== 201 && reg.status !== 200) throw new Error(`register: ${reg.status} ${reg.text}`);

    const healthUrl = `${sb.baseUrl}/healthz`;
    const fireUrl = `${sb.baseUrl}/v1/triggers/${TRIGGER}/fire`;
    const fireHeaders = { authorization: `Bearer ${sb.apiKey}`, "content-type": "application/json" };
    const health = async () => {
      const res = await fetch(healthUrl, { signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
      return res.status === 200;
    };
    const fire = async (i) => {
      const res = await fetch(fireUrl, { method: "POST", headers: fireHeaders, body: JSON.stringify({ data: { i } }), signal: AbortSignal.timeout(10_000) });
      const body = await res.text();
      if (res.status !== 202) throw new Error(`fire ${res.status}: ${body.slice(0, 200)}`);
      return true;
    };

    h.log(`warm-up: ${WARMUP} healthz + ${WARMUP} fires`);
    await runLoad({ count: WARMUP, concurrency: CONCURRENCY, request: health });
    await runLoad({ count: WARMUP, concurrency: CONCURRENCY, request: fire });

    h.log(`baseline: ${COUNT} GET /healthz at concurrency ${CONCURRENCY}`);
    const base = await runLoad({ count: COUNT, concurrency: CONCURRENCY, request: health, maxMs: 45_000 });
    h.log(`  ${base.perSecond.toFixed(0)}/s, p50 ${base.p50.toFixed(1)} ms, p99 ${base.p99.toFixed(1)} ms, errors ${base.errors}`);

    h.log(`measure: ${COUNT} POST …/fire at concurrency ${CONCURRENCY}`);
    const fires = await runLoad({ count: COUNT, concurrency: CONCURRENCY, request: fire, maxMs: 60_000 });
    h.log(`  ${fires.perSecond.toFixed(0)}/s, p50 ${fires.p50.toFixed(1)} ms, p99 ${fires.p99.toFixed(1)} ms, errors ${fires.errors}${fires.firstError ? ` (${fires.firstError})` : ""}`);

    const stats = await sb.api("GET", `/v1/triggers/${TRIGGER}/stats`);
    const recorded = stats.json?.totalFires;
    const note = (r) => [r.truncated ? `stopped early at ${r.count}` : "", r.errors ? `${r.errors} errors: ${r.firstError}` : ""].filter(Boolean).join("; ");
    return [
      row({ metric: "fires/s", value: fires.perSecond, unit: "/s", baseline: base.perSecond, baselineLabel: "healthz", note: note(fires) }),
      row({ metric: "fire p50 latency", value: fires.p50, unit: "ms", baseline: base.p50, baselineLabel: "healthz" }),
      row({ metric: "fire p99 latency", value: fires.p99, unit: "ms", baseline: base.p99, baselineLabel: "healthz" }),
      row({ metric: "fires recorded (stats.totalFires, incl. warm-up)", value: recorded, unit: "", target: { op: ">=", value: WARMUP + fires.ok } }),
      row({ metric: "fire errors", value: fires.errors, unit: "", baseline: base.errors, baselineLabel: "healthz", target: { op: "<=", value: 0 } }),
    ];
  } finally {
    await sb.stop();
  }
}
