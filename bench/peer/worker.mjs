/**
 * The peer's worker process (bench/peer/run.mjs starts it): a BullMQ worker
 * that POSTs each delivery signed as Standard Webhooks (the same scheme
 * Signalbox signs with), then records its outcome in PostgreSQL; a non-2xx
 * answer or a network error fails the job, and BullMQ retries it with
 * backoff. 64 jobs at a time (PEER_CONCURRENCY): on this benchmark's load
 * (1,000 fires at concurrency 16) 16 fell behind (p50 388-506 ms, the backlog
 * growing through the run) and 128 was no better than 64 (p50 181-252 vs
 * 117-130 ms), so the peer runs at its best setting measured here.
 */
import { createHmac } from "node:crypto";
import pg from "pg";
import { Worker } from "bullmq";

const { PEER_PG, PEER_REDIS } = process.env;
const pool = new pg.Pool({ connectionString: PEER_PG, max: 10 });

function sign(secret, id, ts, body) {
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${ts}.${body}`).digest("base64")}`;
}

const worker = new Worker(
  "deliveries",
  async (job) => {
    const { deliveryId, eventId, trigger, url, secret, data, firedAt } = job.data;
    const body = JSON.stringify({ eventId, trigger, data, firedAt, attempt: job.attemptsMade + 1 });
    const ts = Math.floor(Date.now() / 1000);
    const id = `dlv_${deliveryId}`;
    let status = null;
    try {
      const res = await fetch(url, {
        method: "POST", body, signal: AbortSignal.timeout(10_000),
        headers: { "content-type": "application/json", "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": sign(secret, id, ts, body) },
      });
      status = res.status;
      await res.arrayBuffer();
    } finally {
      await pool.query("UPDATE deliveries SET attempts = attempts + 1, response_status = $2, status = $3, delivered_at = CASE WHEN $3 = 'delivered' THEN now() END WHERE id = $1", [
        deliveryId, status, status !== null && status >= 200 && status < 300 ? "delivered" : "failed",
      ]);
    }
    if (status === null || status < 200 || status >= 300) throw new Error(`flow answered ${status}`);
  },
  { connection: { url: PEER_REDIS }, concurrency: Number(process.env.PEER_CONCURRENCY ?? 64) },
);
worker.on("ready", () => console.log("worker ready"));
