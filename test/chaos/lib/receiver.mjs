/**
 * A scriptable delivery receiver for the chaos and fault tests: listens on
 * 127.0.0.1, records every request compactly (webhook-id, path, body fields,
 * when it began, what it was answered) and asks `decide(record)` how to
 * answer each one:
 *
 *   { status: 200, headers?: {…}, delayMs? }   answer (after delayMs)
 *   "hang"                            never answer; wait until the client gives up
 *                                     (closes the connection), bounded by hangMaxMs
 *
 * `nth` is the request's number among those with the same webhook-id (1-based).
 * A hung request is recorded with `answer: "timeout"` and `endedAt` = when the
 * client closed it. Nothing here retries or stops by itself except the hang
 * bound; `close()` ends every connection.
 */
import { createServer } from "node:http";

/**
 * @param {{ decide?: (r: object) => ({ status: number, headers?: Record<string,string>, delayMs?: number } | "hang"), hangMaxMs?: number }} [opts]
 */
export async function startScriptedReceiver({ decide = () => ({ status: 200 }), hangMaxMs = 60_000 } = {}) {
  /** @type {Array<{ seq: number, nth?: number, path: string, webhookId: string|null, timestamp: string|null, signature: string|null, body: string, json: any, startedAt: number, endedAt: number|null, answer: number|"timeout"|null }>} */
  const requests = [];
  const byWebhookId = new Map();
  const sockets = new Set();
  const server = createServer((req, res) => {
    const startedAt = Date.now();
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let json = null;
      try {
        json = JSON.parse(body);
      } catch {
        // not JSON
      }
      const record = {
        seq: requests.length,
        path: req.url,
        webhookId: req.headers["webhook-id"] ?? null,
        timestamp: req.headers["webhook-timestamp"] ?? null,
        signature: req.headers["webhook-signature"] ?? null,
        body,
        json,
        startedAt,
        endedAt: null,
        answer: null,
      };
      requests.push(record);
      if (record.webhookId) {
        const list = byWebhookId.get(record.webhookId) ?? [];
        list.push(record);
        byWebhookId.set(record.webhookId, list);
        record.nth = list.length;
      }
      let verdict;
      try {
        verdict = decide(record);
      } catch {
        verdict = { status: 500 };
      }
      if (verdict === "hang") {
        record.answer = "timeout";
        const bound = setTimeout(() => res.destroy(), hangMaxMs);
        bound.unref();
        res.on("close", () => {
          clearTimeout(bound);
          record.endedAt = Date.now();
        });
        return;
      }
      const answer = () => {
        record.answer = verdict.status;
        res.writeHead(verdict.status, { "content-type": "text/plain", ...(verdict.headers ?? {}) });
        res.end(verdict.status < 300 ? "ok" : "no");
        record.endedAt = Date.now();
      };
      if (verdict.delayMs > 0) setTimeout(answer, verdict.delayMs);
      else answer();
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise((res, rej) => server.once("error", rej).listen(0, "127.0.0.1", res));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    byWebhookId,
    /** Open connections right now. */
    openConnections: () => sockets.size,
    /** Requests still hanging (not answered, client not gone yet). */
    hanging: () => requests.filter((r) => r.answer === "timeout" && r.endedAt === null).length,
    close: () =>
      new Promise((res) => {
        for (const s of sockets) s.destroy();
        server.close(() => res());
      }),
  };
}

/** mulberry32 over a 32-bit seed: a small deterministic PRNG, values in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a 32-bit hash of a string (to derive per-key seeds). */
export function fnv1a(str) {
  let h = 0x811c9dc5;
  for (let i = 0; i < str.length; i++) {
    h ^= str.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A deterministic number in [0, 1) for (seed, key). */
export function seededUniform(seed, key) {
  return mulberry32(fnv1a(`${seed}:${key}`))();
}
