/**
 * The runner's ceiling: a bare Worker (bench/ceiling/) doing the least the
 * same job needs, started on its own wrangler dev in the same run, and a
 * closed-loop "fire → POST received" measurement usable against it and
 * against Signalbox alike.
 */
import { join } from "node:path";
import { REPO_ROOT } from "../../test/e2e/lib/wrangler.mjs";
import { percentile, runLoad } from "./measure.mjs";
import { cpuSnapshot, cpuSpent } from "./cpu.mjs";

export const CEILING_ROOT = join(REPO_ROOT, "bench", "ceiling");

/** Starts the ceiling Worker (same flags as Signalbox's benchmark servers). */
export function startCeiling(h) {
  return h.startWrangler({ logLevel: "warn", sourceRoot: CEILING_ROOT });
}

/**
 * Runs `count` requests at `concurrency`; `send(i)` returns the id the
 * receiver will see for request i. Latency is from just before the request
 * to when `arrived` (id → performance.now()) records it. With `cpuPorts`
 * (port → label), also the CPU each process group spent meanwhile (./cpu.mjs).
 */
export async function fireToArrival({ count, concurrency, send, arrived, waitMs = 60_000, cpuPorts = null }) {
  const sent = new Array(count);
  const cpuBefore = cpuPorts ? cpuSnapshot() : null;
  const load = await runLoad({
    count, concurrency, maxMs: 120_000,
    request: async (i) => {
      const t0 = performance.now();
      const id = await send(i);
      sent[i] = [id, t0];
      return true;
    },
  });
  const deadline = Date.now() + waitMs;
  const pending = () => sent.filter((s) => s && !arrived.has(s[0])).length;
  while (pending() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const lat = [];
  let missing = 0;
  for (const s of sent) {
    if (!s) continue;
    const at = arrived.get(s[0]);
    if (at === undefined) missing++;
    else lat.push(at - s[1]);
  }
  const cpu = cpuBefore ? cpuSpent(cpuBefore, cpuSnapshot(), cpuPorts) : null;
  if (process.env.BENCH_TRACE) {
    // per 100 fires in send order: the median latency (where a backlog starts and whether it recovers)
    const bucket = [];
    for (let i = 0; i < sent.length; i += 100) {
      const xs = sent.slice(i, i + 100).filter((s) => s && arrived.has(s[0])).map((s) => arrived.get(s[0]) - s[1]).sort((a, b) => a - b);
      bucket.push(xs.length ? Math.round(xs[Math.floor(xs.length / 2)]) : "-");
    }
    console.log(`   trace (${count}): ${bucket.join(" ")}`);
  }
  lat.sort((a, b) => a - b);
  return { load, p50: percentile(lat, 50), p99: percentile(lat, 99), missing, delivered: lat.length, cpu };
}
