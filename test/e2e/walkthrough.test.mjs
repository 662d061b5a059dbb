/**
 * The README's curl walk-through, as HTTP calls against a real `wrangler dev`:
 * register, subscribe, fire (and fire again with the same key), read the
 * stream, the stats and the list; plus /openapi.json and the 401 without a key.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { eventually, startReceiver, startWrangler, verifyWebhook } from "./lib/wrangler.mjs";

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

const NAME = "user.created";
let secret;
let eventId;

test("register an event trigger with a payload schema", async () => {
  const r = await sb.api("PUT", `/v1/triggers/${NAME}`, {
    body: { type: "event", displayName: "User created", schema: { type: "object", required: ["id"] } },
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.name, NAME);
  assert.equal(r.json.type, "event");
  assert.equal(r.json.status, "active");
  assert.equal(r.json.version, 1);
  assert.equal(r.headers.get("etag"), '"1"');
});

test("subscribe a flow with an http target (the generated secret is returned once)", async () => {
  const r = await sb.api("PUT", `/v1/triggers/${NAME}/subscriptions/welcome-email`, {
    body: { target: { type: "http", url: `${receiver.url}/hook` } },
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.flow, "welcome-email");
  assert.match(r.json.secret, /^whsec_/);
  assert.notEqual(r.json.target.secret, r.json.secret, "the target's secret is redacted");
  secret = r.json.secret;
});

test("fire with an Idempotency-Key: 202, then 200 deduplicated with the same eventId", async () => {
  const fire = () =>
    sb.api("POST", `/v1/triggers/${NAME}/fire`, {
      headers: { "idempotency-key": "user-42" },
      body: { data: { id: "42", email: "a@example.com" } },
    });
  const first = await fire();
  assert.equal(first.status, 202, first.text);
  assert.equal(first.json.status, "accepted");
  assert.equal(typeof first.json.eventId, "string");
  assert.equal(first.json.deliveries.length, 1);
  assert.equal(first.json.deliveries[0].flow, "welcome-email");
  eventId = first.json.eventId;

  const again = await fire();
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.status, "deduplicated");
  assert.equal(again.json.eventId, eventId);
});

test("a payload that fails the schema is 422", async () => {
  const r = await sb.api("POST", `/v1/triggers/${NAME}/fire`, { body: { data: { email: "no-id@example.com" } } });
  assert.equal(r.status, 422, r.text);
  assert.equal(typeof r.json.error.code, "string");
});

test("the receiver gets exactly one signed delivery", async () => {
  await receiver.waitFor(1, 15_000);
  const [req] = receiver.requests;
  assert.equal(req.method, "POST");
  assert.equal(req.path, "/hook");
  assert.ok(verifyWebhook(secret, req.headers, req.body), "signature verifies");
  assert.ok(!verifyWebhook(secret, req.headers, req.body + " "), "a tampered body does not verify");
  assert.ok(!verifyWebhook(secret, req.headers, req.body, { nowMs: Date.now() + 600_000 }), "a stale timestamp does not verify");
  assert.equal(req.json.type, "trigger.fired");
  assert.equal(req.json.eventId, eventId);
  assert.equal(req.json.trigger, NAME);
  assert.equal(req.json.flow, "welcome-email");
  assert.deepEqual(req.json.data, { id: "42", email: "a@example.com" });
  assert.equal(req.headers["webhook-id"], req.json.deliveryId);
  // the deduplicated fire delivers nothing new
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(receiver.requests.length, 1);
});

test("read the stream", async () => {
  const r = await sb.api("GET", `/v1/triggers/${NAME}/events?after=0`);
  assert.equal(r.status, 200, r.text);
  const types = r.json.events.map((e) => e.type);
  assert.ok(types.includes("trigger.registered"), types.join());
  assert.ok(types.includes("subscription.added"), types.join());
  const fired = r.json.events.filter((e) => e.type === "trigger.fired");
  assert.equal(fired.length, 1, "one fire: the duplicate and the 422 add no event");
  assert.equal(fired[0].id, eventId);
  const seqs = r.json.events.map((e) => e.seq);
  assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), "ascending seq");
});

test("read the fire", async () => {
  const r = await sb.api("GET", `/v1/triggers/${NAME}/fires/${eventId}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.eventId, eventId);
  assert.equal(r.json.source, "api");
  assert.deepEqual(r.json.data, { id: "42", email: "a@example.com" });
});

test("read the stats", async () => {
  const stats = await eventually(
    async () => {
      const r = await sb.api("GET", `/v1/triggers/${NAME}/stats`);
      assert.equal(r.status, 200, r.text);
      return r.json.delivered === 1 ? r.json : null;
    },
    { timeoutMs: 10_000, what: "stats.delivered = 1" },
  );
  assert.equal(stats.totalFires, 1);
  assert.equal(stats.pending, 0);
  assert.equal(stats.activeSubscribers, 1);
  assert.equal(stats.deduplicated, 1);
});

test("the list shows the trigger", async () => {
  const r = await eventually(
    async () => {
      const res = await sb.api("GET", "/v1/triggers?type=event");
      assert.equal(res.status, 200, res.text);
      return res.json.triggers.some((t) => t.name === NAME) ? res : null;
    },
    { timeoutMs: 10_000, what: "trigger in the D1 list" },
  );
  const t = r.json.triggers.find((x) => x.name === NAME);
  assert.equal(t.type, "event");
  assert.equal(t.status, "active");
  assert.equal(t.displayName, "User created");
  assert.ok("nextCursor" in r.json);
});

test("GET /openapi.json is OpenAPI 3.1", async () => {
  const r = await sb.api("GET", "/openapi.json", { key: null });
  assert.equal(r.status, 200, r.text);
  assert.match(r.json.openapi, /^3\.1/);
  assert.ok(r.json.paths["/v1/triggers/{name}/fire"], "documents the fire route");
});

test("/v1 without a key (or with a wrong one) is 401 with the error envelope", async () => {
  const none = await sb.api("GET", "/v1/triggers", { key: null });
  assert.equal(none.status, 401);
  assert.equal(none.json.error.code, "unauthorized");
  const wrong = await sb.api("GET", "/v1/triggers", { key: "dev-key-change-me" });
  assert.equal(wrong.status, 401, "the developer's .dev.vars key is not configured here");
});
