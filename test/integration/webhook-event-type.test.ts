/**
 * Webhook fires carry the provider's event type and the request's headers
 * (credentials removed) in the delivery body, the filter view, event-await
 * waiters and the fire view. Requests are signed with the providers' own
 * libraries where one exists (GitHub, Stripe, Standard Webhooks), else with
 * the repo's WebCrypto signers written from the providers' docs.
 */
import { describe, it, expect, inject } from "vitest";
import { sign as githubSign } from "@octokit/webhooks-methods";
import Stripe from "stripe";
import { Webhook as StandardWebhook } from "standardwebhooks";
import { call, fetchWorker, uniq, until } from "../helpers";
import { signFor } from "../webhook-signers";

const port = inject("receiverPort");
const received = async (tag: string): Promise<any[]> => (await fetch(`http://127.0.0.1:${port}/log?contains=${encodeURIComponent(tag)}`)).json();
const stripe = new Stripe("sk_test_not_used_for_calls");
const SW_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

async function hook(path: string, body: string, headers: Record<string, string>) {
  const res = await fetchWorker(new Request(`http://signalbox.test/webhooks/acme/${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body }));
  return { status: res.status, body: (await res.json()) as any };
}

/** A webhook trigger (with an http subscription to the test receiver unless `subscribe` is false). */
async function webhookTrigger(auth: Record<string, unknown>, extra: { webhook?: object; def?: object; subscribe?: boolean } = {}) {
  const name = uniq("whet");
  const path = name.replace(/[^a-z0-9.-]/g, "-").toLowerCase();
  const r = await call("PUT", `/v1/triggers/${name}`, { type: "webhook", webhook: { path, auth, ...extra.webhook }, ...extra.def });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  if (extra.subscribe !== false) {
    const s = await call("PUT", `/v1/triggers/${name}/subscriptions/flow-1`, { target: { type: "http", url: `http://127.0.0.1:${port}/hook/ok/${name}` } });
    expect(s.status).toBe(201);
  }
  return { name, path };
}

/** The fire view of a webhook request once the inbox has turned it into a fire. */
async function fireOf(name: string, eventId: string) {
  const r = await until(() => call("GET", `/v1/triggers/${name}/fires/${eventId}`), (x) => x.status === 200);
  expect(r.status).toBe(200);
  return r.body;
}

const GITHUB_SECRET = "gh-event-type-secret";

async function github(path: string, event: string, payload: object, more: Record<string, string> = {}) {
  const body = JSON.stringify(payload);
  return hook(path, body, { "x-github-event": event, "x-github-delivery": crypto.randomUUID(), "x-hub-signature-256": await githubSign(GITHUB_SECRET, body), ...more });
}

describe("webhook event type and headers: GitHub, end to end", () => {
  it("a pull_request signed by @octokit/webhooks-methods is delivered with its eventType and the headers minus credentials", async () => {
    const { name, path } = await webhookTrigger({ type: "hmac", provider: "github", secret: GITHUB_SECRET });
    const r = await github(path, "pull_request", { action: "opened", number: 7 }, {
      authorization: "Bearer must-not-leak", cookie: "session=must-not-leak", "x-gitlab-token": "must-not-leak", "x-custom": "kept",
    });
    expect(r.status).toBe(202);
    const [req] = await until(() => received(name), (x) => x.length === 1);
    const delivered = JSON.parse(req.body);
    expect(delivered).toMatchObject({ type: "trigger.fired", eventId: r.body.id, source: "webhook", eventType: "pull_request", data: { action: "opened", number: 7 } });
    expect(delivered.headers).toMatchObject({ "x-github-event": "pull_request", "x-custom": "kept", "content-type": "application/json" });
    expect(delivered.headers["x-hub-signature-256"]).toMatch(/^sha256=[0-9a-f]{64}$/); // a MAC, not a secret: kept
    for (const h of ["authorization", "cookie", "x-gitlab-token"]) expect(delivered.headers, h).not.toHaveProperty(h);
    expect(req.body).not.toContain("must-not-leak");

    const fire = await fireOf(name, r.body.id);
    expect(fire).toMatchObject({ eventId: r.body.id, source: "webhook", eventType: "pull_request", headers: { "x-github-event": "pull_request", "x-custom": "kept" } });
    expect(JSON.stringify(fire)).not.toContain("must-not-leak");
    // the stream event carries neither, and neither does the stored inbox row's successor view
    const events = (await call("GET", `/v1/triggers/${name}/events`)).body.events;
    expect(JSON.stringify(events)).not.toContain("must-not-leak");
  });

  it('a filter {"eventType": "push"} passes a push and skips a pull_request; headers filter too', async () => {
    const { name, path } = await webhookTrigger({ type: "hmac", provider: "github", secret: GITHUB_SECRET }, { def: { filter: { eventType: "push", "headers.x-env": { $ne: "staging" } } } });
    const push = await github(path, "push", { ref: "refs/heads/main" });
    const pr = await github(path, "pull_request", { action: "opened" });
    const staging = await github(path, "push", { ref: "refs/heads/main" }, { "x-env": "staging" });
    expect((await fireOf(name, push.body.id))).toMatchObject({ status: "accepted", eventType: "push", skipReason: null });
    expect((await fireOf(name, pr.body.id))).toMatchObject({ status: "skipped", skipReason: "filter", eventType: "pull_request" });
    expect((await fireOf(name, staging.body.id))).toMatchObject({ status: "skipped", skipReason: "filter", eventType: "push" });
    const got = await until(() => received(name), (x) => x.length >= 1);
    await new Promise((res) => setTimeout(res, 200));
    expect((await received(name)).map((x) => JSON.parse(x.body).eventId)).toEqual([push.body.id]);
    expect(got).toHaveLength(1);
  });

  it("an event await matching eventType and a header resolves on that webhook only", async () => {
    const { name, path } = await webhookTrigger({ type: "hmac", provider: "github", secret: GITHUB_SECRET }, { subscribe: false });
    const runId = uniq("run");
    const put = await call("PUT", `/v1/runs/${runId}/awaits/merged`, { kind: "event", trigger: name, match: { eventType: "pull_request", "headers.x-repo": "signalbox", "data.action": "closed" }, timeoutMs: 3_600_000 });
    expect(put.status).toBe(201);
    const other = await github(path, "issues", { action: "closed" }, { "x-repo": "signalbox" });
    await fireOf(name, other.body.id);
    expect((await call("GET", `/v1/runs/${runId}/awaits/merged`)).body.status).toBe("waiting");
    const hit = await github(path, "pull_request", { action: "closed" }, { "x-repo": "signalbox" });
    const a = await until(() => call("GET", `/v1/runs/${runId}/awaits/merged`), (x) => x.body.status !== "waiting");
    expect(a.body).toMatchObject({ status: "resolved", result: { eventId: hit.body.id, trigger: name } });
  });

  it("an event await with lookback matches a recent webhook fire by eventType", async () => {
    const { name, path } = await webhookTrigger({ type: "hmac", provider: "github", secret: GITHUB_SECRET }, { subscribe: false });
    const hit = await github(path, "release", { action: "published" });
    await fireOf(name, hit.body.id);
    const runId = uniq("run");
    const put = await call("PUT", `/v1/runs/${runId}/awaits/rel`, { kind: "event", trigger: name, match: { eventType: "release" }, lookbackMs: 60_000 });
    expect(put.body).toMatchObject({ status: "resolved", result: { eventId: hit.body.id } });
  });
});

type Case = { provider: string; secret: string; payload: object; headers?: Record<string, string>; sign: (body: string, secret: string) => Promise<Record<string, string>>; eventType: string };

const CASES: Case[] = [
  {
    provider: "stripe", secret: "whsec_stripe_event_type", payload: { id: "evt_1", object: "event", type: "invoice.paid" }, eventType: "invoice.paid",
    sign: async (body, secret) => ({ "stripe-signature": await stripe.webhooks.generateTestHeaderStringAsync({ payload: body, secret }) }),
  },
  {
    provider: "standard-webhooks", secret: SW_SECRET, payload: { type: "invoice.paid", data: { id: 1 } }, eventType: "invoice.paid",
    sign: async (body, secret) => {
      const id = `msg_${crypto.randomUUID()}`;
      const at = new Date();
      return { "webhook-id": id, "webhook-timestamp": String(Math.floor(at.getTime() / 1000)), "webhook-signature": new StandardWebhook(secret).sign(id, at, body) };
    },
  },
  { provider: "shopify", secret: "shpss_event_type", payload: { id: 1 }, headers: { "x-shopify-topic": "orders/create" }, eventType: "orders/create", sign: (b, s) => signFor("shopify", s, b) },
  { provider: "slack", secret: "slack-event-type", payload: { type: "event_callback", event: { type: "app_mention" } }, eventType: "app_mention", sign: (b, s) => signFor("slack", s, b) },
  { provider: "linear", secret: "linear-event-type", payload: { type: "Issue", action: "create", data: {} }, eventType: "Issue.create", sign: (b, s) => signFor("linear", s, b) },
  { provider: "sentry", secret: "sentry-event-type", payload: { action: "created" }, headers: { "sentry-hook-resource": "issue" }, eventType: "issue", sign: (b, s) => signFor("sentry", s, b) },
];

describe("webhook event type: every preset", () => {
  for (const c of CASES) {
    it(`${c.provider}: eventType ${c.eventType} in the fire view and the delivery`, async () => {
      const { name, path } = await webhookTrigger({ type: "hmac", provider: c.provider, secret: c.secret }, { def: { filter: { eventType: c.eventType } } });
      const body = JSON.stringify(c.payload);
      const r = await hook(path, body, { ...(c.headers ?? {}), ...(await c.sign(body, c.secret)) });
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      const fire = await fireOf(name, r.body.id);
      expect(fire).toMatchObject({ status: "accepted", source: "webhook", eventType: c.eventType });
      expect(fire.headers["content-type"]).toBe("application/json");
      const [req] = await until(() => received(name), (x) => x.length === 1);
      expect(JSON.parse(req.body)).toMatchObject({ eventId: r.body.id, eventType: c.eventType, headers: c.headers ?? {} });
    });
  }
});

describe("webhook event type: generic config", () => {
  it('generic HMAC with {"header"}: the header names the type; a missing header is null', async () => {
    const secret = "generic-event-type";
    const { name, path } = await webhookTrigger({ type: "hmac", provider: "generic", secret, header: "x-signature", prefix: "sha256=" }, { webhook: { eventType: { header: "X-Event-Kind" } }, subscribe: false });
    const body = JSON.stringify({ n: 1 });
    const a = await hook(path, body, { "x-event-kind": "order.created", ...(await signFor("generic", secret, body)) });
    const b = await hook(path, body, await signFor("generic", secret, body));
    expect(await fireOf(name, a.body.id)).toMatchObject({ eventType: "order.created", headers: { "x-event-kind": "order.created" } });
    expect((await fireOf(name, b.body.id)).eventType).toBeNull();
  });

  it('bearer auth with {"pointer"}: the body field names the type; the token never shows', async () => {
    const { name, path } = await webhookTrigger({ type: "bearer", token: "tok-must-not-leak" }, { webhook: { eventType: { pointer: "/meta/kind" } } });
    const r = await hook(path, JSON.stringify({ meta: { kind: "build.finished" } }), { authorization: "Bearer tok-must-not-leak" });
    expect(r.status).toBe(202);
    const fire = await fireOf(name, r.body.id);
    expect(fire.eventType).toBe("build.finished");
    expect(fire.headers).not.toHaveProperty("authorization");
    const [req] = await until(() => received(name), (x) => x.length === 1);
    expect(JSON.parse(req.body).eventType).toBe("build.finished");
    expect(req.body).not.toContain("tok-must-not-leak");
  });

  it("api_key auth: the key's own header is removed, even when eventType names it", async () => {
    const { name, path } = await webhookTrigger({ type: "api_key", header: "x-hook-key", value: "key-must-not-leak" }, { webhook: { eventType: { header: "x-hook-key" } }, subscribe: false });
    const r = await hook(path, "{}", { "x-hook-key": "key-must-not-leak", "x-other": "1" });
    expect(r.status).toBe(202);
    const fire = await fireOf(name, r.body.id);
    expect(fire.headers).toMatchObject({ "x-other": "1" });
    expect(JSON.stringify(fire)).not.toContain("key-must-not-leak");
  });

  it("an API test fire on a webhook trigger has eventType null", async () => {
    const { name } = await webhookTrigger({ type: "none" }, { subscribe: false });
    const f = await call("POST", `/v1/triggers/${name}/fire`, { data: { x: 1 } });
    expect(f.status).toBe(202);
    const fire = (await call("GET", `/v1/triggers/${name}/fires/${f.body.eventId}`)).body;
    expect(fire.eventType ?? null).toBeNull();
  });
});

describe("webhook.eventType at registration", () => {
  const put = (webhook: object) => call("PUT", `/v1/triggers/${uniq("whbad")}`, { type: "webhook", webhook: { path: uniq("p").replace(/[^a-z0-9.-]/g, "-").toLowerCase(), ...webhook } });

  it("is refused on a preset (which reads its own type) with a 400 naming the field", async () => {
    const r = await put({ auth: { type: "hmac", provider: "github", secret: "s" }, eventType: { header: "x-kind" } });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body.error)).toContain("webhook.eventType");
  });

  it("must be one header name or one JSON pointer", async () => {
    for (const eventType of [{}, { header: "bad header" }, { pointer: "type" }, { header: "x", pointer: "/x" }, "x-kind"]) {
      const r = await put({ auth: { type: "none" }, eventType });
      expect(r.status, JSON.stringify(eventType)).toBe(400);
      expect(JSON.stringify(r.body.error), JSON.stringify(eventType)).toContain("webhook.eventType");
    }
    expect((await put({ auth: { type: "none" }, eventType: { pointer: "/type" } })).status).toBe(201);
  });
});
