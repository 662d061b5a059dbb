/**
 * Poll triggers end to end: two triggers of one group on a real `wrangler
 * dev` poll a local provider server (test/lib/poll-provider.mjs) every 5 s.
 * The first poll is a baseline; new items fire once per matching trigger,
 * each with its own filter and transform, delivered to a flow's endpoint;
 * one provider call per period for the whole group; a 429 with Retry-After
 * is a poll.failed then poll.recovered; and after the engine is killed
 * (SIGKILL) and restarted, the group goes on from its seen items: nothing
 * fires twice, the next item fires once.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { eventually, startReceiver, startWrangler } from "./lib/wrangler.mjs";
import { startProvider } from "../lib/poll-provider.mjs";

let sb;
let receiver;
let provider;
const delivered = [];

before(async () => {
  provider = await startProvider();
  receiver = await startReceiver({ onRequest: (r) => delivered.push(r) });
  sb = await startWrangler();
}, { timeout: 120_000 });

after(async () => {
  await sb?.stop();
  await receiver?.close();
  await provider?.close();
}, { timeout: 30_000 });

const script = (body) => fetch(`${provider.url}/provider/shop/script`, { method: "POST", body: JSON.stringify(body) });
const requests = async () => (await fetch(`${provider.url}/provider/shop/requests`)).json();

async function stream(name, types) {
  const r = await sb.api("GET", `/v1/triggers/${name}/events?limit=500&types=${types}`);
  assert.equal(r.status, 200, r.text);
  return r.json.events;
}

test("a poll group on wrangler dev: baseline, one call per period, fires once per trigger, 429 backoff, no double after a crash", { timeout: 150_000 }, async () => {
  await script({ items: [{ id: "o1", kind: "order", total: 5 }, { id: "r1", kind: "refund", total: 1 }] });
  const poll = { url: `${provider.url}/provider/shop`, every: "5s", itemsPointer: "/items", idPointer: "/id", headers: { authorization: "Bearer s3cret" } };
  let r = await sb.api("PUT", "/v1/triggers/shop.orders", { body: { type: "poll", poll, filter: { "data.kind": "order" }, transform: { pick: { order: "/id", kind: "/kind", total: "/total" } } } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.poll.headers.authorization, "********", "header values are redacted");
  r = await sb.api("PUT", "/v1/triggers/shop.all", { body: { type: "poll", poll } });
  assert.equal(r.status, 201, r.text);
  r = await sb.api("PUT", "/v1/triggers/shop.orders/subscriptions/fulfil", { body: { target: { type: "http", url: `${receiver.url}/fulfil` } } });
  assert.equal(r.status, 201, r.text);

  // the baseline: the group polls at once, the items already there fire nothing
  await eventually(async () => (await requests()).length >= 1, { timeoutMs: 10_000, what: "the baseline poll" });
  const view = (await sb.api("GET", "/v1/triggers/shop.all")).json;
  assert.equal(view.poll.state.lastStatus, 200);
  assert.equal((await sb.api("GET", "/v1/triggers/shop.orders")).json.poll.state.group, view.poll.state.group, "one group");
  assert.equal((await requests())[0].headers.authorization, "Bearer s3cret", "the provider gets the real header");

  // new items: each fires once per matching trigger
  await script({ append: [{ id: "o2", kind: "order", total: 7 }, { id: "r2", kind: "refund", total: 2 }] });
  await eventually(async () => (await stream("shop.all", "trigger.fired")).length >= 2, { timeoutMs: 15_000, what: "the new items" });
  await eventually(() => delivered.some((d) => d.path === "/fulfil"), { timeoutMs: 15_000, what: "the delivery" });
  const orders = await stream("shop.orders", "trigger.fired");
  assert.equal(orders.length, 1);
  assert.equal(orders[0].data.source, "poll");
  assert.deepEqual(orders[0].data.payload, { order: "o2", kind: "order", total: 7 });
  const body = delivered.find((d) => d.path === "/fulfil").json;
  assert.equal(body.source, "poll");
  assert.deepEqual(body.data, { order: "o2", kind: "order", total: 7 }, "the flow gets the transformed item");

  // one provider call per period for the whole group
  const before = (await requests()).length;
  await sleep(15_500);
  const calls = (await requests()).length - before;
  assert.ok(calls >= 2 && calls <= 4, `one call per 5 s period for two triggers, got ${calls} in 15.5 s`);

  // a 429 with Retry-After: poll.failed on both triggers, then poll.recovered
  await script({ once: [{ status: 429, retryAfter: 6 }] });
  await eventually(async () => (await stream("shop.all", "poll.failed")).length >= 1, { timeoutMs: 15_000, what: "poll.failed" });
  const failed = (await stream("shop.orders", "poll.failed"))[0];
  assert.equal(failed.data.status, 429);
  await eventually(async () => (await stream("shop.all", "poll.recovered")).length >= 1, { timeoutMs: 20_000, what: "poll.recovered" });
  const reqs = await requests();
  const gaps = reqs.slice(1).map((q, i) => q.at - reqs[i].at);
  assert.ok(gaps.some((g) => g >= 5_900), `the retry after the 429 waited for Retry-After (6 s), longer than the period (gaps ${gaps.join(", ")})`);

  // a crash and a restart: the group keeps what it has seen
  await sb.kill();
  await script({ append: [{ id: "o3", kind: "order", total: 9 }] });
  await sb.restart();
  await eventually(async () => (await stream("shop.all", "trigger.fired")).length >= 3, { timeoutMs: 30_000, what: "the item added while the engine was down" });
  await sleep(6_000); // at least one more poll of the same items
  const all = await stream("shop.all", "trigger.fired");
  assert.deepEqual(all.map((e) => e.data.payload.id).sort(), ["o2", "o3", "r2"], "every new item once, none of the baseline");
  const ordersAfter = await stream("shop.orders", "trigger.fired");
  assert.deepEqual(ordersAfter.map((e) => e.data.payload.order).sort(), ["o2", "o3"]);
  // the new refund (r2) is counted as skipped by the filter, not written; the baseline's r1 was never a fire
  const stats = (await sb.api("GET", "/v1/triggers/shop.orders/stats")).json;
  assert.equal(stats.skipped, 1, `the refund counted as skipped for shop.orders (got ${stats.skipped})`);
  assert.equal((await stream("shop.orders", "trigger.skipped")).length, 0);
});
