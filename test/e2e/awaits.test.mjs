/**
 * Awaits end to end under wrangler dev: a local "flow" creates a webhook
 * await (an approval), a human's POST hits the resumeUrl, and the flow's
 * callback endpoint receives a verified await.resolved carrying the body.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startReceiver, startWrangler, verifyWebhook } from "./lib/wrangler.mjs";

let sb;
let callbacks;

before(async () => {
  callbacks = await startReceiver();
  sb = await startWrangler();
}, { timeout: 120_000 });

after(async () => {
  await sb?.stop();
  await callbacks?.close();
}, { timeout: 30_000 });

test("an approval: webhook await → resume → verified await.resolved callback", { timeout: 60_000 }, async () => {
  const runId = `run-${Date.now()}`;
  const put = await sb.api("PUT", `/v1/runs/${runId}/awaits/approve`, {
    body: { kind: "webhook", timeoutMs: 600_000, schema: { type: "object", required: ["approved"] }, callback: { type: "http", url: `${callbacks.url}/flow/callback` } },
  });
  assert.equal(put.status, 201, put.text);
  const { resumeUrl, secret } = put.json;
  assert.match(resumeUrl, new RegExp(`^${sb.baseUrl}/resume/[A-Za-z0-9_-]{22,}$`));
  assert.match(secret, /^whsec_/);

  // the human clicks "approve"
  const bad = await fetch(resumeUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ nope: 1 }) });
  assert.equal(bad.status, 422);
  const res = await fetch(resumeUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ approved: true, by: "ana" }) });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: "resolved" });
  const again = await fetch(resumeUrl, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  assert.equal(again.status, 409);

  const [cb] = await callbacks.waitFor(1, 20_000);
  assert.equal(verifyWebhook(secret, cb.headers, cb.body), true, "callback signature verifies");
  assert.equal(cb.json.type, "await.resolved");
  assert.equal(cb.json.runId, runId);
  assert.equal(cb.json.step, "approve");
  assert.deepEqual(cb.json.result, { approved: true, by: "ana" });

  const state = await sb.api("GET", `/v1/runs/${runId}/awaits/approve`);
  assert.equal(state.json.status, "resolved");
  assert.ok(!state.text.includes(resumeUrl.split("/resume/")[1]), "the token is never shown again");
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(callbacks.requests.length, 1, "exactly one callback");
});
