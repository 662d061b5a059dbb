/**
 * The peer's API process (bench/peer/run.mjs starts it): POST
 * /v1/triggers/{name}/fire with a bearer key stores the event and one
 * delivery per subscription in one PostgreSQL transaction, then adds one
 * BullMQ job per delivery and answers 202 { eventId } — the shape of a
 * Node + Postgres + BullMQ trigger service.
 */
import { createServer } from "node:http";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { Queue } from "bullmq";

const { PEER_PORT, PEER_PG, PEER_REDIS, PEER_KEY } = process.env;
const pool = new pg.Pool({ connectionString: PEER_PG, max: 10 });
const queue = new Queue("deliveries", { connection: { url: PEER_REDIS } });
const JOB = { attempts: 5, backoff: { type: "exponential", delay: 1000 }, removeOnComplete: true, removeOnFail: 1000 };

function answer(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

async function fire(trigger, body) {
  const eventId = `evt_${randomUUID()}`;
  const client = await pool.connect();
  let deliveries;
  try {
    await client.query("BEGIN");
    await client.query("INSERT INTO events (id, trigger, payload) VALUES ($1, $2, $3)", [eventId, trigger, body.data]);
    deliveries = (await client.query(
      `WITH s AS (SELECT id, url, secret FROM subscriptions WHERE trigger = $2),
            d AS (INSERT INTO deliveries (event_id, subscription_id) SELECT $1, id FROM s RETURNING id, subscription_id)
       SELECT d.id, s.url, s.secret FROM d JOIN s ON s.id = d.subscription_id`,
      [eventId, trigger],
    )).rows;
    await client.query("COMMIT");
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {});
    throw e;
  } finally {
    client.release();
  }
  const firedAt = new Date().toISOString();
  await queue.addBulk(deliveries.map((d) => ({ name: "deliver", data: { deliveryId: String(d.id), eventId, trigger, url: d.url, secret: d.secret, data: body.data, firedAt }, opts: JOB })));
  return eventId;
}

createServer((req, res) => {
  const m = /^\/v1\/triggers\/([^/]+)\/fire$/.exec(req.url ?? "");
  if (req.method !== "POST" || !m) return answer(res, 404, { error: { code: "not_found" } });
  if (req.headers.authorization !== `Bearer ${PEER_KEY}`) return answer(res, 401, { error: { code: "unauthorized" } });
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", async () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      if (!body || typeof body !== "object" || !("data" in body)) throw new Error("data is required");
    } catch (e) {
      return answer(res, 400, { error: { code: "invalid_request", message: String(e.message) } });
    }
    try {
      answer(res, 202, { eventId: await fire(decodeURIComponent(m[1]), body) });
    } catch (e) {
      answer(res, 500, { error: { code: "internal", message: String(e.message) } });
    }
  });
}).listen(Number(PEER_PORT), "127.0.0.1", () => console.log("api ready"));
