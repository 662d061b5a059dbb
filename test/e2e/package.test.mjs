/**
 * The package as a consumer sees it (no wrangler needed): `import "signalbox"`
 * resolves to lib/ with the client, the errors, defineTrigger and
 * verifyDelivery; the client maps each error status to its class (against a
 * local server); verifyDelivery accepts a reference Standard Webhooks
 * signature; npm pack ships bin/ and lib/ with types, not the Worker's source.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import { execFileSync } from "node:child_process";
import { REPO_ROOT, newWebhookSecret } from "./lib/wrangler.mjs";
import * as pkg from "signalbox";

let server;
let baseUrl;
const ANSWERS = {
  "/v1/triggers/missing": [404, { error: { code: "not_found", message: "Unknown trigger" } }],
  "/v1/triggers/conflict": [409, { error: { code: "version_conflict", message: "Version is 3" } }],
  "/v1/triggers/invalid": [400, { error: { code: "invalid_request", message: "Invalid body", details: [{ path: "type", message: "bad" }] } }],
  "/v1/triggers/forbidden": [403, { error: { code: "forbidden", message: "Needs read" } }],
  "/v1/triggers/limited": [429, { error: { code: "rate_limited", message: "Slow down" } }, { "retry-after": "7" }],
  "/v1/triggers/broken": [502, "<html>bad gateway</html>"],
  "/v1/triggers/ok": [200, { name: "ok", type: "event", version: 1 }],
};

before(async () => {
  server = createServer((req, res) => {
    const [status, body, headers = {}] = ANSWERS[req.url] ?? [500, {}];
    const auth = req.headers.authorization === "Bearer k1";
    res.writeHead(auth ? status : 401, { "content-type": typeof body === "string" ? "text/html" : "application/json", ...headers });
    res.end(auth ? (typeof body === "string" ? body : JSON.stringify(body)) : JSON.stringify({ error: { code: "unauthorized", message: "Bad key" } }));
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  baseUrl = `http://127.0.0.1:${server.address().port}`;
});

after(() => new Promise((r) => server.close(r)));

test("the package exports the client, the errors, defineTrigger, defineFlows and verifyDelivery", () => {
  for (const name of ["createClient", "defineTrigger", "defineFlows", "verifyDelivery", "SignalboxError", "NotFoundError", "ConflictError", "ValidationError", "UnauthorizedError", "RateLimitedError"]) {
    assert.ok(name in pkg, name);
  }
  const def = { name: "a", type: "event" };
  assert.equal(pkg.defineTrigger(def), def);
  const flows = { billing: { concurrency: 5 } };
  assert.equal(pkg.defineFlows(flows), flows);
});

test("every error status becomes its class, with status, code, message and details", { timeout: 20_000 }, async () => {
  const sb = pkg.createClient({ baseUrl: `${baseUrl}/`, apiKey: "k1" });
  assert.equal((await sb.triggers.get("ok")).name, "ok");
  const failure = (name, client = sb) => client.triggers.get(name).then(() => assert.fail("no error"), (e) => e);
  const cases = [["missing", pkg.NotFoundError, 404], ["conflict", pkg.ConflictError, 409], ["invalid", pkg.ValidationError, 400], ["forbidden", pkg.UnauthorizedError, 403], ["limited", pkg.RateLimitedError, 429]];
  for (const [name, cls, status] of cases) {
    const e = await failure(name);
    assert.ok(e instanceof cls && e instanceof pkg.SignalboxError, `${name}: ${e}`);
    assert.equal(e.status, status);
    assert.equal(e.code, ANSWERS[`/v1/triggers/${name}`][1].error.code);
  }
  assert.deepEqual((await failure("invalid")).details, [{ path: "type", message: "bad" }]);
  assert.equal((await failure("limited")).retryAfter, 7);
  const gateway = await failure("broken");
  assert.equal(gateway.constructor, pkg.SignalboxError);
  assert.equal(gateway.code, "http_502");
  assert.ok((await failure("ok", pkg.createClient({ baseUrl, apiKey: "wrong" }))) instanceof pkg.UnauthorizedError);
  const offline = await failure("ok", pkg.createClient({ baseUrl: "http://127.0.0.1:9", apiKey: "k1" }));
  assert.equal(offline.status, 0);
  assert.equal(offline.code, "network_error");
});

test("verifyDelivery accepts a reference signature and refuses a tampered body", async () => {
  const secret = newWebhookSecret();
  const body = JSON.stringify({ type: "trigger.fired", eventId: "evt_1" });
  const ts = Math.floor(Date.now() / 1000);
  const mac = createHmac("sha256", Buffer.from(secret.slice(6), "base64")).update(`msg_1.${ts}.${body}`).digest("base64");
  const headers = { "webhook-id": "msg_1", "webhook-timestamp": String(ts), "webhook-signature": `v1,${mac}` };
  assert.equal(await pkg.verifyDelivery(secret, headers, body), true);
  assert.equal(await pkg.verifyDelivery(secret, headers, body.replace("evt_1", "evt_2")), false);
});

test("npm pack ships bin/ and lib/ (with types), not the Worker's source", { timeout: 60_000 }, () => {
  const [info] = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: REPO_ROOT, encoding: "utf8" }));
  const files = info.files.map((f) => f.path);
  for (const f of ["bin/signalbox.mjs", "lib/index.js", "lib/cli.js", "lib/verify-delivery.js", "lib/types/client/index.d.ts", "lib/types/client/schema.d.ts", "package.json"]) {
    assert.ok(files.includes(f), `${f} in the tarball`);
  }
  assert.ok(!files.some((f) => f.startsWith("src/") || f.startsWith("durable-objects/")), "no Worker source");
});
