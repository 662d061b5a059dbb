import { describe, it, expect } from "vitest";
import { runDurableObjectAlarm } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { call, uniq, triggerStub, inObject, until } from "../helpers";
import { signFor } from "../webhook-signers";

const SW_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

async function hook(path: string, body: string, headers: Record<string, string> = {}, method = "POST", tenant = "acme") {
  const res = await (exports as any).default.fetch(new Request(`http://signalbox.test/webhooks/${tenant}/${path}`, { method, headers: { "content-type": "application/json", ...headers }, body: method === "GET" ? undefined : body }));
  const text = await res.text();
  let parsed: any = text;
  try { parsed = JSON.parse(text); } catch { /* text */ }
  return { status: res.status, body: parsed, headers: res.headers };
}

async function webhookTrigger(auth: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const name = uniq("wh");
  const path = name.replace(/[^a-z0-9.-]/g, "-").toLowerCase();
  const r = await call("PUT", `/v1/triggers/${name}`, { type: "webhook", webhook: { path, auth, ...(extra.webhook as object ?? {}) }, ...(extra.def as object ?? {}) });
  expect(r.status).toBe(201);
  return { name, path, view: r.body };
}

const stream = async (name: string) => ((await call("GET", `/v1/triggers/${name}/events?limit=500`)).body.events as any[]);
const fires = async (name: string) => (await stream(name)).filter((e) => e.type === "trigger.fired" || e.type === "trigger.skipped");
const inboxCount = (name: string) => inObject(triggerStub("acme", name), (o: any) => o.ctx.storage.sql.exec("SELECT count(*) AS n FROM inbox").one().n as number);

const SECRETS: Record<string, string> = {
  github: "gh-secret", stripe: "whsec_stripe_test", slack: "slack-signing-secret", shopify: "shpss_secret",
  "standard-webhooks": SW_SECRET, linear: "lin_wh_secret", sentry: "sentry-secret", generic: "generic-secret",
};
const TIMESTAMPED = new Set(["stripe", "slack", "standard-webhooks"]);

describe("webhook ingress: provider presets end to end", () => {
  it("GitHub's documented vector is accepted, stored and fired", async () => {
    const { name, path, view } = await webhookTrigger({ type: "hmac", provider: "github", secret: "It's a Secret to Everybody" });
    expect(view.webhookUrl).toBe(`http://signalbox.test/webhooks/acme/${path}`);
    expect(view.webhook.auth.secret).toBe("********");
    const r = await hook(path, "Hello, World!", {
      "content-type": "text/plain",
      "x-hub-signature-256": "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
      "x-github-delivery": "d-1",
    });
    expect(r.status).toBe(202);
    expect(r.body).toEqual({ id: expect.stringMatching(/^whk_/), status: "accepted" });
    const fired = await until(() => fires(name), (f) => f.length === 1);
    expect(fired[0]).toMatchObject({ type: "trigger.fired", id: r.body.id, data: { source: "webhook", payload: "Hello, World!" } });
    const fire = await call("GET", `/v1/triggers/${name}/fires/${r.body.id}`);
    expect(fire.body).toMatchObject({ eventId: r.body.id, source: "webhook", data: "Hello, World!" });
  });

  for (const provider of Object.keys(SECRETS)) {
    it(`${provider}: valid accepted; tampered, wrong secret, missing header${TIMESTAMPED.has(provider) ? ", stale timestamp" : ""} are 401 and not stored`, async () => {
      const secret = SECRETS[provider];
      const auth = provider === "generic" ? { type: "hmac", provider, secret, header: "x-signature", prefix: "sha256=" } : { type: "hmac", provider, secret };
      const { name, path } = await webhookTrigger(auth);
      const body = JSON.stringify({ id: `evt_${provider}`, event_id: `E_${provider}`, hello: "world" });
      const good = await signFor(provider, secret, body);
      const ok = await hook(path, body, good);
      expect(ok.status, JSON.stringify(ok.body)).toBe(202);

      const tampered = await hook(path, body.replace("world", "w0rld"), good);
      expect(tampered.status).toBe(401);
      const wrong = await hook(path, body, await signFor(provider, provider === "standard-webhooks" ? "whsec_" + btoa("x".repeat(32)) : "not-the-secret", body));
      expect(wrong.status).toBe(401);
      const sigHeader = Object.keys(good).find((h) => /signature|hmac/.test(h))!;
      const { [sigHeader]: _drop, ...missing } = good;
      expect((await hook(path, body, missing)).status).toBe(401);
      expect((await hook(path, body, { ...good, [sigHeader]: "" })).status).toBe(401);
      if (TIMESTAMPED.has(provider)) {
        const stale = await signFor(provider, secret, body, Date.now() - 3600_000);
        expect((await hook(path, body, stale)).status).toBe(401);
      }
      await until(() => fires(name), (f) => f.length === 1);
      expect(await inboxCount(name)).toBe(1);
      expect((await fires(name)).length).toBe(1);
      const stats = (await call("GET", `/v1/triggers/${name}/stats`)).body;
      expect(stats.authFailures).toBeGreaterThanOrEqual(4);
      // the stream never carries rejected bodies
      expect(JSON.stringify(await stream(name))).not.toContain("w0rld");
    });
  }

  it("bearer, api_key (header and query), basic and none", async () => {
    const bearer = await webhookTrigger({ type: "bearer", token: "tok-123" });
    expect((await hook(bearer.path, "{}", { authorization: "Bearer tok-123" })).status).toBe(202);
    expect((await hook(bearer.path, "{}", { authorization: "Bearer tok-124" })).status).toBe(401);
    const hdr = await webhookTrigger({ type: "api_key", header: "x-api-key", value: "k1" });
    expect((await hook(hdr.path, "{}", { "x-api-key": "k1" })).status).toBe(202);
    expect((await hook(hdr.path, "{}", { "x-api-key": "k2" })).status).toBe(401);
    const q = await webhookTrigger({ type: "api_key", query: "key", value: "qv" });
    expect((await hook(`${q.path}?key=qv`, "{}")).status).toBe(202);
    expect((await hook(`${q.path}?key=no`, "{}")).status).toBe(401);
    const basic = await webhookTrigger({ type: "basic", username: "u", password: "p" });
    expect((await hook(basic.path, "{}", { authorization: `Basic ${btoa("u:p")}` })).status).toBe(202);
    expect((await hook(basic.path, "{}", { authorization: `Basic ${btoa("u:x")}` })).status).toBe(401);
    const none = await webhookTrigger({ type: "none" });
    expect((await hook(none.path, "{}")).status).toBe(202);
    // secrets are never stored with the request
    const rows = await inObject(triggerStub("acme", hdr.name), (o: any) => o.ctx.storage.sql.exec("SELECT headers FROM inbox").toArray());
    expect(JSON.stringify(rows)).not.toContain("k1");
  });

  it("answers Slack's url_verification with its challenge (after verifying it), storing nothing", async () => {
    const { name, path } = await webhookTrigger({ type: "hmac", provider: "slack", secret: "slack-s" });
    const body = JSON.stringify({ type: "url_verification", challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", token: "x" });
    const r = await hook(path, body, await signFor("slack", "slack-s", body));
    expect(r).toMatchObject({ status: 200, body: { challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" } });
    expect(await inboxCount(name)).toBe(0);
  });
});

describe("webhook ingress: routing and limits", () => {
  it("unknown path 404, retired 410, method 405, oversize 413", async () => {
    expect((await hook(`nothing-${Date.now()}`, "{}")).status).toBe(404);
    expect((await hook(`x`, "{}", {}, "POST", "Bad_Tenant")).status).toBe(404);
    const { name, path } = await webhookTrigger({ type: "none" }, { webhook: { methods: ["POST", "PUT"], maxBodyBytes: 100 } });
    const m = await hook(path, "", {}, "GET");
    expect(m.status).toBe(405);
    expect(m.headers.get("allow")).toBe("POST, PUT");
    expect((await hook(path, "{}", {}, "PUT")).status).toBe(202);
    expect((await hook(path, JSON.stringify({ pad: "x".repeat(200) }))).status).toBe(413);
    // a streamed body without content-length is cut off too
    const stream = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode("x".repeat(150))); c.close(); } });
    const chunked = await (exports as any).default.fetch(new Request(`http://signalbox.test/webhooks/acme/${path}`, { method: "POST", body: stream, duplex: "half" } as any));
    expect(chunked.status).toBe(413);
    await call("POST", `/v1/triggers/${name}/retire`, {});
    expect((await hook(path, "{}")).status).toBe(410);
  });

  it("after a path change the old path never reaches the trigger", async () => {
    const { name, path } = await webhookTrigger({ type: "none" });
    expect((await hook(path, "{}")).status).toBe(202); // warms the path cache
    await call("PUT", `/v1/triggers/${name}`, { type: "webhook", webhook: { path: `${path}-v2`, auth: { type: "none" } } });
    expect((await hook(path, "{}")).status).toBe(404);
    expect((await hook(`${path}-v2`, "{}")).status).toBe(202);
    await until(() => fires(name), (f) => f.length === 2);
    expect((await fires(name)).length).toBe(2);
  });

  it("a path another trigger owns is 409 at registration", async () => {
    const { path } = await webhookTrigger({ type: "none" });
    const r = await call("PUT", `/v1/triggers/${uniq("other")}`, { type: "webhook", webhook: { path, auth: { type: "none" } } });
    expect(r.status).toBe(409);
  });

  it("IP allowlist: IPv4 and IPv6 CIDRs from CF-Connecting-IP, 403 otherwise", async () => {
    const { path } = await webhookTrigger({ type: "none" }, { webhook: { ipAllowlist: ["192.0.2.0/24", "2001:db8::/32"] } });
    expect((await hook(path, "{}", { "cf-connecting-ip": "192.0.2.77" })).status).toBe(202);
    expect((await hook(path, "{}", { "cf-connecting-ip": "2001:db8:1::5" })).status).toBe(202);
    expect((await hook(path, "{}", { "cf-connecting-ip": "198.51.100.1" })).status).toBe(403);
    expect((await hook(path, "{}", { "cf-connecting-ip": "2001:db9::1" })).status).toBe(403);
    expect((await hook(path, "{}")).status).toBe(403);
  });

  it("rate limit: 429 with Retry-After, nothing stored", async () => {
    const { name, path } = await webhookTrigger({ type: "none" }, { def: { config: { rateLimit: { max: 1, windowSeconds: 600 } } } });
    expect((await hook(path, "{}")).status).toBe(202);
    const r = await hook(path, "{}");
    expect(r.status).toBe(429);
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await inboxCount(name)).toBe(1);
  });
});

describe("webhook processing after the answer", () => {
  it("dedup: the preset's delivery id (or dedup.key) answers 202 deduplicated and fires nothing", async () => {
    const { name, path } = await webhookTrigger({ type: "hmac", provider: "github", secret: "s" });
    const body = JSON.stringify({ action: "opened" });
    const h = await signFor("github", "s", body, Date.now(), { id: "delivery-42" });
    const a = await hook(path, body, h);
    const b = await hook(path, body, h);
    expect(a.body.status).toBe("accepted");
    expect(b.status).toBe(202);
    expect(b.body).toEqual({ id: a.body.id, status: "deduplicated" });
    const custom = await webhookTrigger({ type: "none" }, { def: { dedup: { key: "body:/order/id" } } });
    const c1 = await hook(custom.path, JSON.stringify({ order: { id: 7 } }));
    const c2 = await hook(custom.path, JSON.stringify({ order: { id: 7 }, again: true }));
    expect(c2.body).toEqual({ id: c1.body.id, status: "deduplicated" });
    await until(() => fires(name), (f) => f.length === 1);
    await until(() => fires(custom.name), (f) => f.length === 1);
    expect((await fires(name)).length).toBe(1);
    expect((await fires(custom.name)).length).toBe(1);
    expect((await call("GET", `/v1/triggers/${name}/stats`)).body.deduplicated).toBe(1);
  });

  it("transform picks fields (JSON pointers and $headers), schema failures become skipped/schema_invalid, filter applies", async () => {
    const { name, path } = await webhookTrigger({ type: "none" }, {
      def: {
        transform: { pick: { id: "/data/object/id", amount: "/data/object/amount", event: "$headers.x-event" } },
        schema: { type: "object", required: ["id", "amount"], properties: { amount: { type: "number" } } },
        filter: { "data.amount": { $gt: 10 } },
      },
    });
    const r1 = await hook(path, JSON.stringify({ data: { object: { id: "ch_1", amount: 50, noise: true } } }), { "x-event": "charge" });
    const r2 = await hook(path, JSON.stringify({ data: { object: { id: "ch_2" } } }));
    const r3 = await hook(path, JSON.stringify({ data: { object: { id: "ch_3", amount: 5 } } }));
    const r4 = await hook(path, "{not json");
    for (const r of [r1, r2, r3, r4]) expect(r.status).toBe(202);
    const f = await until(() => fires(name), (x) => x.length === 4);
    const byId = Object.fromEntries(f.map((e) => [e.id, e]));
    expect(byId[r1.body.id]).toMatchObject({ type: "trigger.fired", data: { payload: { id: "ch_1", amount: 50, event: "charge" } } });
    expect(byId[r2.body.id]).toMatchObject({ type: "trigger.skipped", data: { skipReason: "schema_invalid", details: expect.any(Array) } });
    expect(byId[r3.body.id]).toMatchObject({ type: "trigger.skipped", data: { skipReason: "filter" } });
    expect(byId[r4.body.id]).toMatchObject({ type: "trigger.skipped", data: { skipReason: "invalid_body" } });
    const fire = await call("GET", `/v1/triggers/${name}/fires/${r2.body.id}`);
    expect(fire.body).toMatchObject({ status: "skipped", skipReason: "schema_invalid" });
  });

  it("crash after the 202, before processing: the fire still happens exactly once", async () => {
    const { name, path } = await webhookTrigger({ type: "none" });
    const stub = triggerStub("acme", name);
    await inObject(stub, (o: any) => { o.scheduleDrain = () => {}; });
    const r = await hook(path, JSON.stringify({ n: 1 }));
    expect(r.status).toBe(202);
    expect(await fires(name)).toHaveLength(0);
    const pending = await inObject(stub, (o: any) => o.ctx.storage.sql.exec("SELECT status FROM inbox").toArray());
    expect(pending).toEqual([{ status: "pending" }]);
    // The instance "dies" here: its in-memory hold is gone, only storage and the alarm remain.
    await inObject(stub, (o: any) => { delete o.scheduleDrain; o.core.invalidate(); });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await runDurableObjectAlarm(stub);
    const f = await fires(name);
    expect(f).toHaveLength(1);
    expect(f[0].id).toBe(r.body.id);
    const done = await inObject(stub, (o: any) => o.ctx.storage.sql.exec("SELECT status FROM inbox").toArray());
    expect(done).toEqual([{ status: "completed" }]);
  });

  it("a burst of concurrent webhooks is processed completely after the answers", async () => {
    const { name, path } = await webhookTrigger({ type: "none" });
    const answers = await Promise.all(Array.from({ length: 150 }, (_, i) => hook(path, JSON.stringify({ i }))));
    expect(answers.every((a) => a.status === 202)).toBe(true);
    const ids = new Set(answers.map((a) => a.body.id));
    const f = await until(() => fires(name), (x) => x.length >= 150, 15_000);
    expect(f.length).toBe(150);
    expect(new Set(f.map((e) => e.id))).toEqual(ids);
  });

  it("stored requests are dropped after config.inboxRetentionDays (default 7); the fire stays readable by its id", async () => {
    const { name, path } = await webhookTrigger({ type: "none" }, { def: { config: { inboxRetentionDays: 2 } } });
    const r = await hook(path, JSON.stringify({ secretish: "raw body" }));
    await until(() => fires(name), (f) => f.length === 1);
    const stub = triggerStub("acme", name);
    const later = Date.now() + 3 * 86_400_000;
    await inObject(stub, (o: any) => { o.core.clock = () => later; });
    await runDurableObjectAlarm(stub);
    const rows = await inObject(stub, (o: any) => o.ctx.storage.sql.exec("SELECT length(body) AS n, headers FROM inbox").toArray());
    expect(rows).toEqual([{ n: 0, headers: "{}" }]); // the raw request is gone
    expect((await fires(name)).length).toBe(1); // the fire stays in the stream
    const fire = await call("GET", `/v1/triggers/${name}/fires/${r.body.id}`);
    expect(fire.status).toBe(200); // and can still be found by the id the 202 gave
    expect(fire.body.data).toEqual({ secretish: "raw body" });
  });

  it("inbox rows leave with their fire when the stream's retention removes it", async () => {
    const { name, path } = await webhookTrigger({ type: "none" }, { def: { config: { retentionDays: 1, inboxRetentionDays: 1 } } });
    await hook(path, "{}");
    await until(() => fires(name), (f) => f.length === 1);
    const stub = triggerStub("acme", name);
    const later = Date.now() + 2 * 86_400_000;
    await inObject(stub, (o: any) => { o.core.clock = () => later; });
    await runDurableObjectAlarm(stub);
    expect(await inboxCount(name)).toBe(0);
  });

  it("GET /v1/providers lists the presets and their default dedup keys", async () => {
    const r = await call("GET", "/v1/providers");
    expect(r.status).toBe(200);
    const byName = Object.fromEntries(r.body.providers.map((p: any) => [p.provider, p]));
    expect(byName.github.defaultDedupKey).toBe("header:x-github-delivery");
    expect(byName.stripe.defaultDedupKey).toBe("body:/id");
    expect(Object.keys(byName).sort()).toEqual(["generic", "github", "linear", "sentry", "shopify", "slack", "standard-webhooks", "stripe"]);
  });
});
