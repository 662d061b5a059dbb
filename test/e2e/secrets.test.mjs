/**
 * Secrets never leak: register triggers and subscriptions with known secret
 * values, exercise every route (including failing webhook auth), and check
 * that no answer and no line of wrangler dev's own output (captured at info
 * level, so request lines and console output are included) contains one.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { eventually, startReceiver, startWrangler } from "./lib/wrangler.mjs";

const SECRETS = {
  hmac: "hmac-secret-AAAA1111",
  bearer: "bearer-token-BBBB2222",
  apiKey: "api-key-value-CCCC3333",
  password: "basic-password-DDDD4444",
  whsec: "whsec_" + Buffer.from("subscription-secret-EEEE5555-xyz!").toString("base64"),
  header: "custom-header-FFFF6666",
  pollHeader: "poll-bearer-GGGG7777",
};

let sb;
let receiver;
const answers = [];

before(async () => {
  receiver = await startReceiver();
  sb = await startWrangler({ logLevel: "log" }); // "log" shows the Worker's console.log lines
}, { timeout: 120_000 });

after(async () => {
  await sb?.stop();
  await receiver?.close();
}, { timeout: 30_000 });

async function api(method, path, body, opts = {}) {
  const r = await sb.api(method, path, { body, ...opts });
  answers.push(`${method} ${path} ${r.status} ${[...r.headers].map(([k, v]) => `${k}: ${v}`).join("\n")}\n${r.text}`);
  return r;
}

async function hook(path, body, headers) {
  const r = await fetch(`${sb.baseUrl}/webhooks/${sb.tenant}/${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  answers.push(`hook ${path} ${r.status} ${await r.text()}`);
  return r.status;
}

test("no answer and no log line contains a secret", { timeout: 90_000 }, async () => {
  const defs = {
    "s.hmac": { type: "webhook", webhook: { path: "s-hmac", auth: { type: "hmac", provider: "github", secret: SECRETS.hmac } } },
    "s.bearer": { type: "webhook", webhook: { path: "s-bearer", auth: { type: "bearer", token: SECRETS.bearer } } },
    "s.apikey": { type: "webhook", webhook: { path: "s-apikey", auth: { type: "api_key", header: "x-api-key", value: SECRETS.apiKey } } },
    "s.basic": { type: "webhook", webhook: { path: "s-basic", auth: { type: "basic", username: "u", password: SECRETS.password } } },
    "s.poll": { type: "poll", poll: { url: "http://127.0.0.1:9/items", headers: { authorization: `Bearer ${SECRETS.pollHeader}` }, every: "5m" } },
  };
  for (const [name, def] of Object.entries(defs)) assert.equal((await api("PUT", `/v1/triggers/${name}`, def)).status, 201);
  const sub = await api("PUT", `/v1/triggers/s.hmac/subscriptions/flow`, { target: { type: "http", url: `${receiver.url}/x`, secret: SECRETS.whsec, headers: { "x-flow-token": SECRETS.header } } });
  assert.equal(sub.status, 201);
  const gen = await api("PUT", `/v1/triggers/s.bearer/subscriptions/flow2`, { target: { type: "http", url: `${receiver.url}/y` } });
  const generated = gen.json.secret;
  assert.match(generated, /^whsec_/);

  // good and bad webhooks of every kind
  const body = JSON.stringify({ hello: "world" });
  const sig = `sha256=${createHmac("sha256", SECRETS.hmac).update(body).digest("hex")}`;
  assert.equal(await hook("s-hmac", body, { "x-hub-signature-256": sig, "x-github-delivery": "d1" }), 202);
  assert.equal(await hook("s-hmac", body, { "x-hub-signature-256": "sha256=00" }), 401);
  assert.equal(await hook("s-bearer", body, { authorization: `Bearer ${SECRETS.bearer}` }), 202);
  assert.equal(await hook("s-bearer", body, { authorization: `Bearer ${SECRETS.bearer}x` }), 401);
  assert.equal(await hook("s-apikey", body, { "x-api-key": SECRETS.apiKey }), 202);
  assert.equal(await hook("s-basic", body, { authorization: `Basic ${Buffer.from(`u:${SECRETS.password}`).toString("base64")}` }), 202);
  await receiver.waitFor(1, 20_000);
  await api("POST", `/v1/triggers/s.bearer/fire`, { data: { x: 1 } });

  // every read route
  for (const name of Object.keys(defs)) {
    await api("GET", `/v1/triggers/${name}`);
    await api("GET", `/v1/triggers/${name}/events?limit=500`);
    await api("GET", `/v1/triggers/${name}/stats`);
    await api("GET", `/v1/triggers/${name}/fires`);
  }
  await eventually(async () => (await api("GET", `/v1/triggers?limit=100`)).json.triggers.length === 5, { timeoutMs: 10_000 });
  await api("GET", `/v1/flows/flow/subscriptions`);
  await api("GET", `/v1/flows/flow2/subscriptions`);
  await api("GET", `/v1/providers`);
  await api("GET", `/openapi.json`);
  // a GET → PUT round trip keeps the secret without ever showing it
  const got = await api("GET", `/v1/triggers/s.hmac`);
  const { name: _n, type, webhook } = got.json;
  assert.equal((await api("PUT", `/v1/triggers/s.hmac`, { type, webhook: { path: webhook.path, auth: webhook.auth } })).status, 200);
  assert.equal(await hook("s-hmac", body, { "x-hub-signature-256": sig, "x-github-delivery": "d2" }), 202);

  // an approval await: its resume token is a secret too (in the URL it is resolved with)
  const wait = await api("PUT", `/v1/runs/run-s/awaits/approve`, { kind: "webhook", timeoutMs: 600_000, callback: { type: "http", url: `${receiver.url}/cb` } });
  assert.equal(wait.status, 201, wait.text);
  const resumeUrl = wait.json.resumeUrl;
  const token = resumeUrl.split("/resume/")[1];
  const resumed = await fetch(resumeUrl.replace(/^https?:\/\/[^/]+/, sb.baseUrl), { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  assert.equal(resumed.status, 200, await resumed.text());
  await api("GET", `/v1/metrics`);

  await new Promise((r) => setTimeout(r, 1500));
  const output = sb.output();
  // the structured lines are there (so the scan below reads real log output)
  const lines = output.split("\n").map((l) => l.slice(l.indexOf("{"))).filter((l) => l.startsWith('{"msg"')).map((l) => { try { return JSON.parse(l); } catch { return null; } }).filter(Boolean);
  const kinds = new Set(lines.map((l) => l.msg));
  for (const k of ["request", "fire", "delivery", "webhook.refused", "await"]) assert.ok(kinds.has(k), `a structured "${k}" line in the log (saw ${[...kinds].join(", ")})`);
  const refused = lines.find((l) => l.msg === "webhook.refused");
  assert.equal(refused.reason, "unauthorized");
  const delivered = lines.find((l) => l.msg === "delivery" && l.status === "delivered");
  assert.ok(delivered?.deliveryId && delivered.trigger && delivered.flow && typeof delivered.latencyMs === "number", JSON.stringify(delivered));
  // wrangler dev echoes every request URL itself ("[wrangler:info] POST /resume/…"); deployed, that is the
  // invocation log, which wrangler.toml turns off. Everything else must not carry the token.
  const ours = output.split("\n").filter((l) => !/^\[wrangler:info\] [A-Z]+ \//.test(l)).join("\n");
  assert.ok(!ours.includes(token), "the log contains a resume token");
  assert.ok(lines.some((l) => l.msg === "request" && l.path === "/resume/:token"), "the resume request is logged without its token");
  assert.ok(!output.includes(sb.apiKey), "the log contains the API key");
  assert.ok(output.includes("/v1/triggers"), "wrangler output was captured at info level");
  const everything = answers.join("\n");
  for (const [what, value] of Object.entries(SECRETS)) {
    assert.ok(!everything.includes(value), `an answer contains the ${what} secret`);
    assert.ok(!output.includes(value), `the log contains the ${what} secret`);
  }
  const genCount = answers.filter((a) => a.includes(generated)).length;
  assert.equal(genCount, 1, "the generated secret appears only in the answer that created it");
  assert.ok(!output.includes(generated), "the log contains the generated secret");
  console.log(`checked ${answers.length} answers and ${output.split("\n").length} log lines for ${Object.keys(SECRETS).length + 1} secrets`);
});
