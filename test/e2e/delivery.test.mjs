/**
 * Delivery end to end: 100 fires to a trigger with one http subscriber (a
 * local receiver holding a known secret) arrive exactly once each, signed,
 * with the right body; the stats then show them all delivered.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { eventually, newWebhookSecret, pool, startReceiver, startWrangler, verifyWebhook } from "./lib/wrangler.mjs";

const NAME = "order.placed";
const FLOW = "fulfil";
const COUNT = 100;

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

test(`${COUNT} fires are delivered exactly once each, signed`, { timeout: 90_000 }, async () => {
  const secret = newWebhookSecret();
  const reg = await sb.api("PUT", `/v1/triggers/${NAME}`, { body: { type: "event" } });
  assert.equal(reg.status, 201, reg.text);
  const sub = await sb.api("PUT", `/v1/triggers/${NAME}/subscriptions/${FLOW}`, {
    body: { target: { type: "http", url: `${receiver.url}/deliveries`, secret } },
  });
  assert.equal(sub.status, 201, sub.text);
  assert.equal(sub.json.secret, undefined, "a provided secret is not echoed");

  const answers = await pool(COUNT, 8, (i) => sb.api("POST", `/v1/triggers/${NAME}/fire`, { body: { data: { n: i } } }));
  for (const a of answers) assert.equal(a.status, 202, a.text);
  const eventIds = new Set(answers.map((a) => a.json.eventId));
  assert.equal(eventIds.size, COUNT, "distinct event ids");

  await receiver.waitFor(COUNT, 30_000);
  // a short grace period to catch duplicates arriving after the count was reached
  await new Promise((r) => setTimeout(r, 500));
  const reqs = receiver.requests;
  assert.equal(reqs.length, COUNT, "no extra deliveries");

  const ids = new Set(reqs.map((r) => r.headers["webhook-id"]));
  assert.equal(ids.size, COUNT, "distinct webhook-id headers");
  const seenN = new Set();
  for (const r of reqs) {
    assert.ok(verifyWebhook(secret, r.headers, r.body), `signature of ${r.headers["webhook-id"]}`);
    assert.ok(!verifyWebhook(newWebhookSecret(), r.headers, r.body), "another secret does not verify");
    assert.equal(r.method, "POST");
    assert.equal(r.json.type, "trigger.fired");
    assert.equal(r.json.trigger, NAME);
    assert.equal(r.json.flow, FLOW);
    assert.equal(r.json.tenant, sb.tenant);
    assert.equal(r.json.attempt, 1);
    assert.equal(r.json.deliveryId, r.headers["webhook-id"]);
    assert.ok(eventIds.has(r.json.eventId), "a fired eventId");
    seenN.add(r.json.data.n);
  }
  assert.equal(seenN.size, COUNT, "every payload arrived");

  const stats = await eventually(
    async () => {
      const r = await sb.api("GET", `/v1/triggers/${NAME}/stats`);
      assert.equal(r.status, 200, r.text);
      return r.json.delivered === COUNT && r.json.pending === 0 ? r.json : null;
    },
    { timeoutMs: 10_000, what: `stats delivered=${COUNT}, pending=0` },
  );
  assert.equal(stats.totalFires, COUNT);
  assert.equal(stats.failed, 0);
  assert.equal(stats.dead, 0);
});
