/**
 * The live stream end to end: a listener on a real `wrangler dev` reads the
 * SSE stream while 200 fires are sent; it sees the backlog, then every fire
 * once, in seq order; a second listener resuming with Last-Event-ID sees the
 * rest; and a flow report fires a chained trigger that the listener of that
 * trigger sees live.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { eventually, pool, startReceiver, startWrangler } from "./lib/wrangler.mjs";
import { openLive } from "../lib/sse-client.mjs";

let sb;
let receiver;

before(async () => {
  receiver = await startReceiver();
  sb = await startWrangler();
}, { timeout: 120_000 });

after(async () => {
  await sb?.stop();
  await receiver?.close();
}, { timeout: 30_000 });

test("a live listener sees the backlog, then every fire once, in order; Last-Event-ID resumes", { timeout: 90_000 }, async () => {
  assert.equal((await sb.api("PUT", "/v1/triggers/live.e2e", { body: { type: "event" } })).status, 201);
  await sb.api("POST", "/v1/triggers/live.e2e/fire", { body: { data: { before: true } } });
  const listener = openLive(sb.baseUrl, sb.apiKey, "live.e2e");
  await eventually(() => listener.events.length >= 2, { what: "the backlog" });
  const answers = await pool(200, 8, (i) => sb.api("POST", "/v1/triggers/live.e2e/fire", { body: { data: { i } } }));
  for (const a of answers) assert.equal(a.status, 202);
  await eventually(() => listener.events.length >= 202, { timeoutMs: 30_000, what: "every fire on the live stream" });
  const seqs = listener.events.map((e) => Number(e.id));
  assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => i + 1), "seq order, none twice, none skipped");
  const fired = new Set(listener.events.filter((e) => e.event === "trigger.fired").map((e) => JSON.parse(e.data).id));
  for (const a of answers) assert.ok(fired.has(a.json.eventId), `fire ${a.json.eventId} seen live`);
  listener.close();
  const resumed = openLive(sb.baseUrl, sb.apiKey, "live.e2e", { lastEventId: 100 });
  await eventually(() => resumed.events.length >= 102, { what: "the resumed stream" });
  assert.equal(Number(resumed.events[0].id), 101);
  resumed.close();
});

test("a flow report fires a chained trigger, seen live by its listener", { timeout: 60_000 }, async () => {
  assert.equal((await sb.api("PUT", "/v1/triggers/order.paid", { body: { type: "event" } })).status, 201);
  assert.equal((await sb.api("PUT", "/v1/triggers/order.paid/subscriptions/billing", { body: { target: { type: "http", url: `${receiver.url}/billing` } } })).status, 201);
  assert.equal((await sb.api("PUT", "/v1/triggers/billing.done", { body: { type: "flow", flow: { name: "billing" } } })).status, 201);
  const listener = openLive(sb.baseUrl, sb.apiKey, "billing.done", { types: "trigger.fired" });
  const f = await sb.api("POST", "/v1/triggers/order.paid/fire", { body: { data: { order: 1 } } });
  const r = await sb.api("POST", `/v1/deliveries/${f.json.deliveries[0].deliveryId}/status`, { body: { status: "completed", output: { invoice: "I-1" } } });
  assert.equal(r.status, 200, r.text);
  await eventually(() => listener.events.length >= 1, { timeoutMs: 20_000, what: "the chained fire on the live stream" });
  const ev = JSON.parse(listener.events[0].data);
  assert.equal(ev.data.source, "flow");
  assert.deepEqual(ev.data.payload.output, { invoice: "I-1" });
  assert.equal(ev.data.chainDepth, 1);
  listener.close();
});
