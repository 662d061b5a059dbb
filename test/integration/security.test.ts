/**
 * Security properties across the whole /v1 surface and the webhook ingress:
 * tenant isolation (the globex keys never see or change acme's resources),
 * scopes, API key parsing, webhook signature bypass attempts, and secrets
 * that never leave the service after the one answer that may carry them.
 */
import { describe, it, expect, inject } from "vitest";
import { env } from "cloudflare:workers";
import { call, fetchWorker, uniq, triggerStub, inObject, type Call } from "../helpers";
import { signFor, hex, b64 } from "../webhook-signers";

const port = inject("receiverPort");
const hookUrl = (mode: string, tag: string) => `http://127.0.0.1:${port}/hook/${mode}/${tag}`;
const enc = new TextEncoder();


/** A raw webhook request; headers as pairs so one name can be sent twice. */
async function hook(tenant: string, pathAndQuery: string, body: string, headers: Array<[string, string]> | Record<string, string> = {}, method = "POST"): Promise<Call> {
  const h = new Headers(Array.isArray(headers) ? headers : Object.entries(headers));
  if (!h.has("content-type")) h.set("content-type", "application/json");
  const res = await fetchWorker(new Request(`http://signalbox.test/webhooks/${tenant}/${pathAndQuery}`, { method, headers: h, body: method === "GET" ? undefined : body }));
  const text = await res.text();
  let parsed: unknown = text;
  try { parsed = text ? JSON.parse(text) : null; } catch { /* text */ }
  return { status: res.status, body: parsed, headers: res.headers };
}

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 40));
  }
}

const isEnvelope = (b: any) => typeof b?.error?.code === "string" && typeof b?.error?.message === "string";

async function allEvents(name: string, key = "acme-key"): Promise<any[]> {
  const out: any[] = [];
  let after = 0;
  for (;;) {
    const r = await call("GET", `/v1/triggers/${name}/events?after=${after}&limit=500`, undefined, { key });
    expect(r.status).toBe(200);
    out.push(...r.body.events);
    if (r.body.events.length < 500) return out;
    after = r.body.events.at(-1).seq;
  }
}

const fireEvents = async (name: string) => (await allEvents(name)).filter((e) => e.type === "trigger.fired" || e.type === "trigger.skipped");
const inboxCount = (name: string) => inObject(triggerStub("acme", name), (o: any) => o.ctx.storage.sql.exec("SELECT count(*) AS n FROM inbox").one().n as number);

/** Everything acme can read about a trigger, minus the counters other tenants' refused calls may not touch anyway. */
async function acmeView(name: string, flows: string[]) {
  const t = await call("GET", `/v1/triggers/${name}`);
  expect(t.status).toBe(200);
  const stats = (await call("GET", `/v1/triggers/${name}/stats`)).body;
  const { firesLastHour: _f, p50DeliveryMs: _p50, p99DeliveryMs: _p99, rowsWritten: _rw, rowsRead: _rr, outbox: _ob, ...statsCore } = stats;
  const fires = (await call("GET", `/v1/triggers/${name}/fires?limit=500`)).body;
  const flowSubs: Record<string, unknown> = {};
  for (const f of flows) flowSubs[f] = (await call("GET", `/v1/flows/${f}/subscriptions`)).body;
  return { trigger: t.body, etag: t.headers.get("etag"), events: await allEvents(name), stats: statsCore, fires, flowSubs };
}

describe("tenant isolation: globex keys against acme's resources", { timeout: 60_000 }, () => {
  it("every /v1 route with a globex key answers 404 or an empty list, and acme's view is unchanged", async () => {
    const T = uniq("acme.iso");
    const W = uniq("acme.isohook");
    const S = uniq("acme.isosched");
    const wpath = W.replace(/[^a-z0-9.-]/g, "-").toLowerCase();
    const flowDead = uniq("iso-dead"), flowOk = uniq("iso-ok"), flowPull = uniq("iso-pull");
    expect((await call("PUT", `/v1/triggers/${T}`, { type: "event", displayName: "acme private" })).status).toBe(201);
    expect((await call("PUT", `/v1/triggers/${T}/subscriptions/${flowDead}`, { target: { type: "http", url: hookUrl("always-500", T) }, retry: { maxAttempts: 1, initialBackoffSeconds: 1, maxBackoffSeconds: 1 } })).status).toBe(201);
    expect((await call("PUT", `/v1/triggers/${T}/subscriptions/${flowOk}`, { target: { type: "http", url: hookUrl("ok", T) } })).status).toBe(201);
    expect((await call("PUT", `/v1/triggers/${T}/subscriptions/${flowPull}`, { target: { type: "pull" } })).status).toBe(201);
    expect((await call("PUT", `/v1/triggers/${W}`, { type: "webhook", webhook: { path: wpath, auth: { type: "none" } } })).status).toBe(201);
    expect((await call("PUT", `/v1/triggers/${S}`, { type: "schedule", schedule: { cron: "0 0 1 1 *" } })).status).toBe(201);
    const f1 = (await call("POST", `/v1/triggers/${T}/fire`, { data: { secretish: "acme-only" } })).body;
    const f2 = (await call("POST", `/v1/triggers/${T}/fire`, { data: { n: 2 } }, { headers: { "idempotency-key": "iso-key-1" } })).body;
    expect(f1.deliveries).toHaveLength(2);
    const settled = await until(
      () => call("GET", `/v1/triggers/${T}/fires?limit=10`),
      (r) => r.body.fires.every((f: any) => f.deliveries.every((d: any) => !["queued", "delivering"].includes(d.status))),
    );
    const dead = settled.body.fires.flatMap((f: any) => f.deliveries).find((d: any) => d.status === "dead");
    expect(dead, "a dead delivery to probe with").toBeTruthy();
    const delivered = settled.body.fires.flatMap((f: any) => f.deliveries).find((d: any) => d.status === "delivered");
    expect((await hook("acme", wpath, JSON.stringify({ n: 1 }))).status).toBe(202);
    await until(() => fireEvents(W), (e) => e.length === 1);

    const flows = [flowDead, flowOk, flowPull];
    const before = { T: await acmeView(T, flows), W: await acmeView(W, []), S: await acmeView(S, []) };

    type Expect = "404" | ((r: Call) => void);
    const emptyList = (field: string) => (r: Call) => {
      expect(r.status).toBe(200);
      expect(r.body[field]).toEqual([]);
    };
    const notListed = (r: Call) => {
      expect(r.status).toBe(200);
      expect(r.body.triggers.map((t: any) => t.name)).not.toEqual(expect.arrayContaining([T]));
      expect(JSON.stringify(r.body)).not.toContain(T);
      expect(JSON.stringify(r.body)).not.toContain(W);
    };
    const batchNotFound = (r: Call) => {
      expect(r.status).toBe(200);
      expect(r.body.results).toHaveLength(2);
      for (const x of r.body.results) expect(x).toMatchObject({ status: "error", error: { code: "not_found" } });
    };
    const probes: Array<[string, string, unknown, Expect]> = [
      ["GET", `/v1/triggers/${T}`, undefined, "404"],
      ["GET", `/v1/triggers/${W}`, undefined, "404"],
      ["GET", `/v1/triggers/${T}/stats`, undefined, "404"],
      ["GET", `/v1/triggers/${T}/events`, undefined, "404"],
      ["GET", `/v1/triggers/${T}/events?after=0&limit=500&types=trigger.fired`, undefined, "404"],
      ["GET", `/v1/triggers/${T}/fires`, undefined, "404"],
      ["GET", `/v1/triggers/${T}/fires?status=dead`, undefined, "404"],
      ["GET", `/v1/triggers/${T}/fires/${f1.eventId}`, undefined, "404"],
      ["POST", `/v1/triggers/${T}/fires/${f1.eventId}/replay`, {}, "404"],
      ["POST", `/v1/triggers/${T}/fires/${f1.eventId}/replay`, { flows: [flowDead] }, "404"],
      ["POST", `/v1/triggers/${T}/fires/${f2.eventId}/skip`, { reason: "globex" }, "404"],
      ["POST", `/v1/triggers/${T}/fire`, { data: { from: "globex" } }, "404"],
      ["POST", `/v1/triggers/${T}/fire`, { data: {}, idempotencyKey: "iso-key-1" }, "404"],
      ["POST", `/v1/triggers/${T}/retire`, { reason: "globex" }, "404"],
      ["POST", `/v1/triggers/${T}/reactivate`, {}, "404"],
      ["PUT", `/v1/triggers/${T}/subscriptions/${flowOk}`, { target: { type: "pull" } }, "404"],
      ["PUT", `/v1/triggers/${T}/subscriptions/globex-flow`, { target: { type: "pull" } }, "404"],
      ["DELETE", `/v1/triggers/${T}/subscriptions/${flowOk}`, undefined, "404"],
      ["GET", `/v1/triggers/${T}/subscriptions/${flowPull}/events`, undefined, "404"],
      ["POST", `/v1/triggers/${T}/subscriptions/${flowPull}/ack`, { seq: 1 }, "404"],
      ["POST", `/v1/triggers/${T}/subscriptions/${flowPull}/reset`, { to: "now" }, "404"],
      ["POST", `/v1/deliveries/${dead.deliveryId}/status`, { status: "completed" }, "404"],
      ["POST", `/v1/deliveries/${delivered.deliveryId}/status`, { status: "failed", error: "globex" }, "404"],
      ["GET", `/v1/triggers/${S}/schedule?count=3`, undefined, "404"],
      ["POST", `/v1/triggers/${S}/schedule/backfill`, { from: "2020-01-01T00:00:00Z", to: "2022-01-02T00:00:00Z" }, "404"],
      ["POST", `/v1/triggers/${W}/retire`, {}, "404"],
      ["GET", `/v1/triggers?q=${encodeURIComponent(T)}`, undefined, emptyList("triggers")],
      ["GET", `/v1/triggers?q=acme.iso`, undefined, emptyList("triggers")],
      ["GET", `/v1/triggers?subscribedBy=${flowOk}`, undefined, emptyList("triggers")],
      ["GET", `/v1/triggers?limit=500`, undefined, notListed],
      ["GET", `/v1/triggers?type=webhook&limit=500`, undefined, notListed],
      ["GET", `/v1/flows/${flowOk}/subscriptions`, undefined, emptyList("subscriptions")],
      ["GET", `/v1/flows/${flowPull}/subscriptions`, undefined, emptyList("subscriptions")],
      ["GET", `/v1/flows/${flowDead}/subscriptions`, undefined, emptyList("subscriptions")],
      ["POST", `/v1/events`, { events: [{ name: T, data: {} }, { name: W, data: {} }] }, batchNotFound],
    ];

    let checked = 0;
    for (const key of ["globex-key", "globex-plain"]) {
      for (const [method, path, body, want] of probes) {
        const r = await call(method, path, body, { key });
        const label = `${key} ${method} ${path}`;
        if (want === "404") {
          expect(r.status, label).toBe(404);
          expect(isEnvelope(r.body), label).toBe(true);
        } else want(r);
        // nothing of acme's leaks into any answer
        const text = JSON.stringify(r.body);
        for (const secret of [f1.eventId, dead.deliveryId, "acme private", "acme-only"]) {
          if (!path.includes(secret)) expect(text, label).not.toContain(secret);
        }
        checked++;
      }
      // the public ingress is per tenant too
      expect((await hook("globex", wpath, "{}")).status).toBe(404);
      checked++;
    }

    expect(await acmeView(T, flows)).toEqual(before.T);
    expect(await acmeView(W, [])).toEqual(before.W);
    expect(await acmeView(S, [])).toEqual(before.S);

    // globex may use the same names and webhook path: they are its own, distinct resources
    const gT = await call("PUT", `/v1/triggers/${T}`, { type: "event" }, { key: "globex-key" });
    expect(gT.status).toBe(201);
    expect(gT.body).toMatchObject({ version: 1, subscriptions: {}, stats: { totalFires: 0 } });
    expect(gT.body.displayName).toBeUndefined();
    const gW = await call("PUT", `/v1/triggers/${W}`, { type: "webhook", webhook: { path: wpath, auth: { type: "none" } } }, { key: "globex-key" });
    expect(gW.status).toBe(201);
    expect(gW.body.webhookUrl).toContain(`/webhooks/globex/${wpath}`);
    expect((await call("POST", `/v1/triggers/${T}/fire`, { data: { from: "globex" } }, { key: "globex-key" })).status).toBe(202);
    expect((await call("GET", `/v1/triggers/${T}/fires/${f1.eventId}`, undefined, { key: "globex-key" })).status).toBe(404);
    expect((await call("POST", `/v1/deliveries/${dead.deliveryId}/status`, { status: "completed" }, { key: "globex-key" })).status).toBe(404);
    expect((await call("POST", `/v1/triggers/${T}/fire`, { data: {}, idempotencyKey: "iso-key-1" }, { key: "globex-key" })).status).toBe(202);
    expect((await hook("globex", wpath, JSON.stringify({ g: 1 }))).status).toBe(202);
    checked += 6;
    await until(() => allEvents(W, "globex-key"), (e) => e.some((x) => x.type === "trigger.fired"));

    expect(await acmeView(T, flows)).toEqual(before.T);
    expect(await acmeView(W, [])).toEqual(before.W);
    const gEvents = await allEvents(T, "globex-key");
    expect(gEvents.map((e) => e.type)).toEqual(["trigger.registered", "trigger.fired", "trigger.fired"]);
    console.log(`tenant isolation: ${checked} cross-tenant calls checked`);
  });
});

describe("scopes", { timeout: 60_000 }, () => {
  type Route = { method: string; path: string; body?: unknown; scope: "read" | "write" | "fire" };

  it("read-only, fire-only and write-only keys are refused (403) outside their scope and change nothing", async () => {
    const T = uniq("scope");
    const S = uniq("scope.sched");
    expect((await call("PUT", `/v1/triggers/${T}`, { type: "event" })).status).toBe(201);
    expect((await call("PUT", `/v1/triggers/${S}`, { type: "schedule", schedule: { cron: "0 0 1 1 *" } })).status).toBe(201);
    expect((await call("PUT", `/v1/triggers/${T}/subscriptions/pull-f`, { target: { type: "pull" } })).status).toBe(201);
    expect((await call("PUT", `/v1/triggers/${T}/subscriptions/q-f`, { mode: "manual", target: { type: "queue", queue: "FLOW_QUEUE" } })).status).toBe(201);
    const f = (await call("POST", `/v1/triggers/${T}/fire`, { data: { a: 1 } })).body;
    const dlv = f.deliveries[0].deliveryId;

    const routes: Route[] = [
      { method: "GET", path: `/v1/triggers/${T}`, scope: "read" },
      { method: "GET", path: `/v1/triggers`, scope: "read" },
      { method: "GET", path: `/v1/triggers/${T}/stats`, scope: "read" },
      { method: "GET", path: `/v1/triggers/${T}/events`, scope: "read" },
      { method: "GET", path: `/v1/triggers/${T}/fires`, scope: "read" },
      { method: "GET", path: `/v1/triggers/${T}/fires/${f.eventId}`, scope: "read" },
      { method: "GET", path: `/v1/triggers/${T}/subscriptions/pull-f/events`, scope: "read" },
      { method: "GET", path: `/v1/flows/pull-f/subscriptions`, scope: "read" },
      { method: "GET", path: `/v1/providers`, scope: "read" },
      { method: "GET", path: `/v1/triggers/${S}/schedule`, scope: "read" },
      { method: "PUT", path: `/v1/triggers/${T}`, body: { type: "event", displayName: "changed" }, scope: "write" },
      { method: "PUT", path: `/v1/triggers/${uniq("scope.new")}`, body: { type: "event" }, scope: "write" },
      { method: "POST", path: `/v1/triggers/${T}/retire`, body: { reason: "x" }, scope: "write" },
      { method: "POST", path: `/v1/triggers/${T}/reactivate`, body: {}, scope: "write" },
      { method: "PUT", path: `/v1/triggers/${T}/subscriptions/new-f`, body: { target: { type: "pull" } }, scope: "write" },
      { method: "DELETE", path: `/v1/triggers/${T}/subscriptions/pull-f`, scope: "write" },
      { method: "POST", path: `/v1/triggers/${T}/subscriptions/pull-f/reset`, body: { to: "now" }, scope: "write" },
      { method: "POST", path: `/v1/triggers/${T}/fire`, body: { data: {} }, scope: "fire" },
      { method: "POST", path: `/v1/events`, body: { events: [{ name: T, data: {} }] }, scope: "fire" },
      { method: "POST", path: `/v1/triggers/${T}/fires/${f.eventId}/replay`, body: {}, scope: "fire" },
      { method: "POST", path: `/v1/triggers/${T}/fires/${f.eventId}/skip`, body: {}, scope: "fire" },
      { method: "POST", path: `/v1/triggers/${T}/subscriptions/pull-f/ack`, body: { seq: 1 }, scope: "fire" },
      { method: "POST", path: `/v1/deliveries/${dlv}/status`, body: { status: "completed" }, scope: "fire" },
      { method: "POST", path: `/v1/triggers/${S}/schedule/backfill`, body: { from: "2020-01-01T00:00:00Z", to: "2021-01-02T00:00:00Z" }, scope: "fire" },
    ];
    const keys: Array<[string, string]> = [["acme-read", "read"], ["acme-fire", "fire"], ["acme-write", "write"]];

    const snap = async () => ({ t: (await call("GET", `/v1/triggers/${T}`)).body, s: (await call("GET", `/v1/triggers/${S}`)).body, te: await allEvents(T), se: await allEvents(S), list: (await call("GET", `/v1/triggers?q=scope.`)).body });
    const before = await snap();
    let refused = 0;
    for (const [key, has] of keys) {
      for (const r of routes.filter((x) => x.scope !== has)) {
        const res = await call(r.method, r.path, r.body, { key });
        expect(res.status, `${key} ${r.method} ${r.path}`).toBe(403);
        expect(res.body.error).toMatchObject({ code: "forbidden" });
        refused++;
      }
      // refused before anything is looked at: an unknown trigger is 403 too (no existence oracle)
      for (const r of routes.filter((x) => x.scope !== has && x.path.includes(T))) {
        const res = await call(r.method, r.path.replace(T, uniq("scope.nothing")), r.body, { key });
        expect(res.status, `${key} ${r.method} unknown`).toBe(403);
        refused++;
      }
    }
    const after = await snap();
    expect(after.t).toEqual(before.t);
    expect(after.s).toEqual(before.s);
    expect(after.te).toEqual(before.te);
    expect(after.se).toEqual(before.se);
    expect(after.list.triggers.map((t: any) => t.name).sort()).toEqual(before.list.triggers.map((t: any) => t.name).sort());

    // each key can do what its scope allows (the order keeps every call meaningful)
    let allowed = 0;
    for (const [key, has] of keys) {
      for (const r of routes.filter((x) => x.scope === has && !(x.method === "DELETE" || x.path.endsWith("/retire")))) {
        const res = await call(r.method, r.path, r.body, { key });
        expect([401, 403], `${key} ${r.method} ${r.path} → ${res.status}`).not.toContain(res.status);
        expect(res.status, `${key} ${r.method} ${r.path}`).toBeLessThan(500);
        allowed++;
      }
    }
    console.log(`scopes: ${refused} refused calls checked, ${allowed} allowed calls checked`);
  });

  it("API keys: missing, malformed, unknown, other schemes and stored digests are 401 in the envelope", async () => {
    const T = uniq("keys");
    expect((await call("PUT", `/v1/triggers/${T}`, { type: "event" })).status).toBe(201);
    const globexDigest = "f2a455b59b858a04c51108416af2042203cb6ac35fa4141fba4148bc856e78d4";
    const acmeDigest = hex(new Uint8Array(await crypto.subtle.digest("SHA-256", enc.encode("acme-key"))));
    const bad: Array<Record<string, string>> = [
      {},
      { authorization: "" },
      { authorization: "Bearer" },
      { authorization: "Bearer " },
      { authorization: "Bearer acme-key extra" },
      { authorization: "Bearer acme-key," },
      { authorization: "Bearer acme-ke" },
      { authorization: "Bearer acme-keyy" },
      { authorization: "Bearer ACME-KEY" },
      { authorization: "Basic " + btoa("acme:acme-key") },
      { authorization: "Token acme-key" },
      { authorization: "acme-key" },
      { authorization: `Bearer ${globexDigest}` },
      { authorization: `Bearer ${acmeDigest}` },
      { authorization: "Bearer " + btoa("acme-key") },
      { "x-api-key": "acme-key" },
    ];
    let n = 0;
    for (const headers of bad) {
      for (const [method, path, body] of [["GET", `/v1/triggers/${T}`], ["POST", `/v1/triggers/${T}/fire`, { data: {} }], ["PUT", `/v1/triggers/${T}`, { type: "event", displayName: "x" }]] as Array<[string, string, unknown]>) {
        const r = await call(method, path, body, { key: null, headers });
        expect(r.status, `${JSON.stringify(headers)} ${method}`).toBe(401);
        expect(isEnvelope(r.body)).toBe(true);
        n++;
      }
    }
    // a key in the query string is not a credential
    expect((await call("GET", `/v1/triggers/${T}?key=acme-key&access_token=acme-key`, undefined, { key: null })).status).toBe(401);
    const view = await call("GET", `/v1/triggers/${T}`);
    expect(view.body).toMatchObject({ version: 1, stats: { totalFires: 0 } });
    console.log(`api keys: ${n + 1} unauthenticated calls checked`);
  });
});

describe("webhook signatures cannot be bypassed", { timeout: 60_000 }, () => {
  type Attempt = [label: string, body: string, headers: Array<[string, string]>, query?: string];
  const SW_SECRET = "whsec_" + btoa("signalbox-security-test-key-32b!");

  async function webhookTrigger(auth: Record<string, unknown>) {
    const name = uniq("sig");
    const path = name.replace(/[^a-z0-9.-]/g, "-").toLowerCase();
    const r = await call("PUT", `/v1/triggers/${name}`, { type: "webhook", webhook: { path, auth } });
    expect(r.status).toBe(201);
    return { name, path };
  }
  const pairs = (h: Record<string, string>): Array<[string, string]> => Object.entries(h);
  async function mac(alg: "SHA-1" | "SHA-256" | "SHA-512", key: Uint8Array | string, data: string) {
    const k = await crypto.subtle.importKey("raw", typeof key === "string" ? enc.encode(key) : key, { name: "HMAC", hash: alg }, false, ["sign"]);
    return new Uint8Array(await crypto.subtle.sign("HMAC", k, enc.encode(data)));
  }

  /** Runs the attempts (all must be 401), then the positive controls (202), then checks what was stored. */
  async function run(provider: string, secret: string, attempts: Attempt[], controls: Attempt[], lenient: Attempt[] = []) {
    const { name, path } = await webhookTrigger({ type: "hmac", provider, secret });
    const expectedSigs: string[] = [];
    for (const [label, body, headers, query] of attempts) {
      const r = await hook("acme", `${path}${query ?? ""}`, body, headers);
      expect(r.status, `${provider}: ${label} → ${JSON.stringify(r.body)}`).toBe(401);
      expect(isEnvelope(r.body)).toBe(true);
      expect(JSON.stringify(r.body)).not.toContain(secret);
    }
    // the 401 never tells the caller what the right signature would have been
    for (const [, body] of attempts.slice(0, 1)) {
      const good = await signFor(provider, secret, body);
      const sigHeaders = Object.keys(good).filter((k) => /signature|hmac/.test(k));
      for (const k of sigHeaders) expectedSigs.push(good[k].replace(/^(sha256=|v0=|v1,)/, "").replace(/^t=\d+,v1=/, ""));
      const r = await hook("acme", path, body, pairs({ ...good, ...Object.fromEntries(sigHeaders.map((k) => [k, "v1,AAAA"])) }));
      expect(r.status).toBe(401);
      for (const s of expectedSigs) expect(JSON.stringify(r.body)).not.toContain(s);
    }
    let lenientAccepted = 0;
    for (const [label, body, headers, query] of lenient) {
      const r = await hook("acme", `${path}${query ?? ""}`, body, headers);
      expect([202, 401], `${provider}: ${label}`).toContain(r.status);
      if (r.status === 202) lenientAccepted++;
    }
    for (const [label, body, headers, query] of controls) {
      const r = await hook("acme", `${path}${query ?? ""}`, body, headers);
      expect(r.status, `${provider} control: ${label} → ${JSON.stringify(r.body)}`).toBe(202);
      expect(r.body.status).toBe("accepted");
    }
    const stored = controls.length + lenientAccepted;
    const fired = await until(() => fireEvents(name), (e) => e.length >= stored);
    await new Promise((r) => setTimeout(r, 100));
    expect((await fireEvents(name)).length).toBe(stored);
    expect(fired.every((e) => e.type === "trigger.fired")).toBe(true);
    expect(await inboxCount(name)).toBe(stored);
    const stats = (await call("GET", `/v1/triggers/${name}/stats`)).body;
    expect(stats.authFailures).toBe(attempts.length + 1 + (lenient.length - lenientAccepted));
    expect(stats.totalFires).toBe(stored);
    return attempts.length + 1 + lenient.length + controls.length;
  }

  it("github: tampered, wrong secret, truncated, empty, sha1/sha512, duplicated header, query string → 401, nothing stored", async () => {
    const secret = "gh-sec-" + uniq("s");
    const body = JSON.stringify({ action: "opened", n: 1 });
    const sig = `sha256=${hex(await mac("SHA-256", secret, body))}`;
    const d = (id: string): [string, string] => ["x-github-delivery", id];
    const attempts: Attempt[] = [
      ["tampered body", body.replace("opened", "closed"), [["x-hub-signature-256", sig], d("g1")]],
      ["trailing space in body", body + " ", [["x-hub-signature-256", sig], d("g2")]],
      ["wrong secret", body, [["x-hub-signature-256", `sha256=${hex(await mac("SHA-256", secret + "x", body))}`], d("g3")]],
      ["a prefix of the secret", body, [["x-hub-signature-256", `sha256=${hex(await mac("SHA-256", secret.slice(0, -1), body))}`], d("g3b")]],
      ["truncated by one byte", body, [["x-hub-signature-256", sig.slice(0, -2)], d("g4")]],
      ["truncated to 16 bytes", body, [["x-hub-signature-256", sig.slice(0, 7 + 32)], d("g5")]],
      ["empty after the prefix", body, [["x-hub-signature-256", "sha256="], d("g6")]],
      ["empty header", body, [["x-hub-signature-256", ""], d("g7")]],
      ["no prefix", body, [["x-hub-signature-256", sig.slice(7)], d("g8")]],
      ["sha1= in the sha256 header", body, [["x-hub-signature-256", `sha1=${hex(await mac("SHA-1", secret, body))}`], d("g9")]],
      ["legacy x-hub-signature sha1 only", body, [["x-hub-signature", `sha1=${hex(await mac("SHA-1", secret, body))}`], d("g10")]],
      ["sha512 MAC under sha256=", body, [["x-hub-signature-256", `sha256=${hex(await mac("SHA-512", secret, body))}`], d("g11")]],
      ["base64 instead of hex", body, [["x-hub-signature-256", `sha256=${b64(await mac("SHA-256", secret, body))}`], d("g12")]],
      ["signature over the empty body", body, [["x-hub-signature-256", `sha256=${hex(await mac("SHA-256", secret, ""))}`], d("g13")]],
      ["duplicated header, bad then good", body, [["x-hub-signature-256", "sha256=" + "0".repeat(64)], ["x-hub-signature-256", sig], d("g14")]],
      ["duplicated header, good then bad", body, [["x-hub-signature-256", sig], ["x-hub-signature-256", "sha256=" + "0".repeat(64)], d("g15")]],
      ["in the query string", body, [d("g16")], `?x-hub-signature-256=${encodeURIComponent(sig)}&signature=${encodeURIComponent(sig)}`],
      ["in another header", body, [["x-signature", sig], ["x-hub-signature-256-x", sig], d("g17")]],
    ];
    const controls: Attempt[] = [
      ["valid", body, [["x-hub-signature-256", sig], d("ok-1")]],
      ["header name in mixed case", JSON.stringify({ action: "opened", n: 2 }), [["X-Hub-Signature-256", `sha256=${hex(await mac("SHA-256", secret, JSON.stringify({ action: "opened", n: 2 })))}`], d("ok-2")]],
    ];
    // sending the very same signature twice is not a bypass: either answer is fine
    const lenient: Attempt[] = [["duplicated header, good twice", body, [["x-hub-signature-256", sig], ["x-hub-signature-256", sig], d("g15b")]]];
    const n = await run("github", secret, attempts, controls, lenient);
    console.log(`github: ${n} signature calls checked`);
  });

  it("stripe: tampered, wrong secret, truncated, empty, v0/v2 only, stale or future t, t not signed, query string → 401", async () => {
    const secret = "whsec_stripe_" + uniq("s");
    const body = JSON.stringify({ id: "evt_sec_1", type: "charge.succeeded" });
    const now = Math.floor(Date.now() / 1000);
    const v1 = async (ts: number, b = body, s = secret) => hex(await mac("SHA-256", s, `${ts}.${b}`));
    const good = await v1(now);
    const h = (value: string): Array<[string, string]> => [["stripe-signature", value]];
    const attempts: Attempt[] = [
      ["tampered body", body.replace("succeeded", "refunded"), h(`t=${now},v1=${good}`)],
      ["wrong secret", body, h(`t=${now},v1=${await v1(now, body, secret + "x")}`)],
      ["truncated", body, h(`t=${now},v1=${good.slice(0, -2)}`)],
      ["empty v1", body, h(`t=${now},v1=`)],
      ["no v1", body, h(`t=${now}`)],
      ["empty header", body, h("")],
      ["v0 only", body, h(`t=${now},v0=${good}`)],
      ["v2 only", body, h(`t=${now},v2=${good}`)],
      ["V1 upper case", body, h(`t=${now},V1=${good}`)],
      ["no t", body, h(`v1=${good}`)],
      ["t differs from the signed one", body, h(`t=${now - 1},v1=${good}`)],
      ["two t values", body, h(`t=${now - 10},t=${now},v1=${good}`)],
      ["stale (replayed an hour later)", body, h(`t=${now - 3600},v1=${await v1(now - 3600)}`)],
      ["just outside the 300 s tolerance", body, h(`t=${now - 330},v1=${await v1(now - 330)}`)],
      ["from the future", body, h(`t=${now + 3600},v1=${await v1(now + 3600)}`)],
      ["t in milliseconds", body, h(`t=${now * 1000},v1=${await v1(now * 1000)}`)],
      ["signed without the t prefix", body, h(`t=${now},v1=${hex(await mac("SHA-256", secret, body))}`)],
      ["in the query string", body, [], `?stripe-signature=${encodeURIComponent(`t=${now},v1=${good}`)}`],
    ];
    const b2 = JSON.stringify({ id: "evt_sec_2", type: "charge.succeeded" });
    const b3 = JSON.stringify({ id: "evt_sec_3", type: "charge.succeeded" });
    const controls: Attempt[] = [
      ["valid", body, h(`t=${now},v1=${good}`)],
      ["several v1 (secret roll), one good", b2, h(`t=${now},v1=${"0".repeat(64)},v1=${await v1(now, b2)}`)],
      ["with a v0 next to a good v1", b3, h(`t=${now},v0=abc,v1=${await v1(now, b3)}`)],
    ];
    const b4 = JSON.stringify({ id: "evt_sec_4", type: "charge.succeeded" });
    // Stripe's scheme allows several v1 values, so a duplicated header may be accepted; never a 5xx.
    const lenient: Attempt[] = [["duplicated header, bad then good", b4, [["stripe-signature", `t=${now},v1=${"0".repeat(64)}`], ["stripe-signature", `t=${now},v1=${await v1(now, b4)}`]]]];
    const n = await run("stripe", secret, attempts, controls, lenient);
    console.log(`stripe: ${n} signature calls checked`);
  });

  it("slack: tampered, wrong secret, truncated, v1= prefix, stale or future timestamp, duplicated header, query string → 401", async () => {
    const secret = "slack-sec-" + uniq("s");
    const body = JSON.stringify({ type: "event_callback", event_id: "Ev_sec_1" });
    const now = Math.floor(Date.now() / 1000);
    const sign = async (ts: number | string, b = body, s = secret) => hex(await mac("SHA-256", s, `v0:${ts}:${b}`));
    const good = await sign(now);
    const h = (sig: string, ts: number | string = now): Array<[string, string]> => [["x-slack-request-timestamp", String(ts)], ["x-slack-signature", sig]];
    const attempts: Attempt[] = [
      ["tampered body", body.replace("Ev_sec_1", "Ev_sec_X"), h(`v0=${good}`)],
      ["wrong secret", body, h(`v0=${await sign(now, body, secret + "x")}`)],
      ["truncated", body, h(`v0=${good.slice(0, -2)}`)],
      ["empty after the prefix", body, h("v0=")],
      ["empty", body, h("")],
      ["v1= prefix", body, h(`v1=${good}`)],
      ["no prefix", body, h(good)],
      ["timestamp not the signed one", body, h(`v0=${good}`, now - 1)],
      ["stale (replayed an hour later)", body, h(`v0=${await sign(now - 3600)}`, now - 3600)],
      ["from the future", body, h(`v0=${await sign(now + 3600)}`, now + 3600)],
      ["timestamp missing", body, [["x-slack-signature", `v0=${good}`]]],
      ["timestamp not digits", body, h(`v0=${await sign(`${now}.5`)}`, `${now}.5`)],
      ["signed without the v0: prefix", body, h(`v0=${hex(await mac("SHA-256", secret, `${now}:${body}`))}`)],
      ["duplicated signature, bad then good", body, [["x-slack-request-timestamp", String(now)], ["x-slack-signature", `v0=${"0".repeat(64)}`], ["x-slack-signature", `v0=${good}`]]],
      ["duplicated signature, good then bad", body, [["x-slack-request-timestamp", String(now)], ["x-slack-signature", `v0=${good}`], ["x-slack-signature", `v0=${"0".repeat(64)}`]]],
      ["duplicated timestamp", body, [["x-slack-request-timestamp", String(now)], ["x-slack-request-timestamp", String(now)], ["x-slack-signature", `v0=${good}`]]],
      ["in the query string", body, [["x-slack-request-timestamp", String(now)]], `?x-slack-signature=${encodeURIComponent(`v0=${good}`)}`],
    ];
    const b2 = JSON.stringify({ type: "event_callback", event_id: "Ev_sec_2" });
    const controls: Attempt[] = [
      ["valid", body, h(`v0=${good}`)],
      ["header names in upper case", b2, [["X-Slack-Request-Timestamp", String(now)], ["X-Slack-Signature", `v0=${await sign(now, b2)}`]]],
    ];
    const n = await run("slack", secret, attempts, controls);
    console.log(`slack: ${n} signature calls checked`);
  });

  it("standard-webhooks: tampered, wrong secret, truncated, v2/v1a, stale or future, id not signed, query string → 401", async () => {
    const secret = SW_SECRET;
    const key = Uint8Array.from(atob(secret.slice(6)), (c) => c.charCodeAt(0));
    const body = JSON.stringify({ type: "thing.happened", n: 1 });
    const now = Math.floor(Date.now() / 1000);
    const sign = async (id: string, ts: number, b = body, k: Uint8Array | string = key) => b64(await mac("SHA-256", k, `${id}.${ts}.${b}`));
    const h = (id: string, sig: string, ts: number = now): Array<[string, string]> => [["webhook-id", id], ["webhook-timestamp", String(ts)], ["webhook-signature", sig]];
    const good = await sign("msg_1", now);
    const attempts: Attempt[] = [
      ["tampered body", body.replace("happened", "changed"), h("msg_1", `v1,${good}`)],
      ["wrong secret", body, h("msg_1", `v1,${await sign("msg_1", now, body, enc.encode("another-key-of-32-bytes-length!!"))}`)],
      ["secret used as text instead of its base64 key", body, h("msg_1", `v1,${await sign("msg_1", now, body, secret)}`)],
      ["truncated", body, h("msg_1", `v1,${good.slice(0, -4)}`)],
      ["truncated, bad padding", body, h("msg_1", `v1,${good.slice(0, -1)}`)],
      ["empty v1", body, h("msg_1", "v1,")],
      ["empty", body, h("msg_1", "")],
      ["v2 scheme", body, h("msg_1", `v2,${good}`)],
      ["v1a scheme", body, h("msg_1", `v1a,${good}`)],
      ["no scheme", body, h("msg_1", good)],
      ["v1= instead of v1,", body, h("msg_1", `v1=${good}`)],
      ["hex instead of base64", body, h("msg_1", `v1,${hex(Uint8Array.from(atob(good), (c) => c.charCodeAt(0)))}`)],
      ["id not the signed one", body, h("msg_2", `v1,${good}`)],
      ["timestamp not the signed one", body, h("msg_1", `v1,${good}`, now - 1)],
      ["stale (replayed an hour later)", body, h("msg_1", `v1,${await sign("msg_1", now - 3600)}`, now - 3600)],
      ["from the future", body, h("msg_1", `v1,${await sign("msg_1", now + 3600)}`, now + 3600)],
      ["missing webhook-id", body, [["webhook-timestamp", String(now)], ["webhook-signature", `v1,${good}`]]],
      ["in the query string", body, [["webhook-id", "msg_1"], ["webhook-timestamp", String(now)]], `?webhook-signature=${encodeURIComponent(`v1,${good}`)}`],
      ["several entries, none good", body, h("msg_1", `v1,${b64(new Uint8Array(32))} v2,${good} v1a,${good}`)],
    ];
    const b2 = JSON.stringify({ type: "thing.happened", n: 2 });
    const b3 = JSON.stringify({ type: "thing.happened", n: 3 });
    const controls: Attempt[] = [
      ["valid", body, h("msg_1", `v1,${good}`)],
      ["several entries (rotation), one good", b2, h("msg_2", `v1,${b64(new Uint8Array(32))} v1,${await sign("msg_2", now, b2)}`)],
      ["header names in upper case", b3, [["Webhook-Id", "msg_3"], ["Webhook-Timestamp", String(now)], ["Webhook-Signature", `v1,${await sign("msg_3", now, b3)}`]]],
    ];
    const b4 = JSON.stringify({ type: "thing.happened", n: 4 });
    // The scheme allows several signatures, so a duplicated header may be accepted; never a 5xx.
    const lenient: Attempt[] = [["duplicated header, bad then good", b4, [["webhook-id", "msg_4"], ["webhook-timestamp", String(now)], ["webhook-signature", `v1,${b64(new Uint8Array(32))}`], ["webhook-signature", `v1,${await sign("msg_4", now, b4)}`]]]];
    const n = await run("standard-webhooks", secret, attempts, controls, lenient);
    console.log(`standard-webhooks: ${n} signature calls checked`);
  });

  it("shared-secret schemes: the secret in the wrong place or a near miss is 401", async () => {
    const cases: Array<[Record<string, unknown>, Attempt[], Attempt]> = [
      [{ type: "bearer", token: "tok-sec-1" }, [
        ["prefix of the token", "{}", [["authorization", "Bearer tok-sec-"]]],
        ["token plus a suffix", "{}", [["authorization", "Bearer tok-sec-1x"]]],
        ["no scheme", "{}", [["authorization", "tok-sec-1"]]],
        ["basic scheme", "{}", [["authorization", `Basic ${btoa("tok-sec-1")}`]]],
        ["in x-api-key", "{}", [["x-api-key", "tok-sec-1"]]],
        ["in the query", "{}", [], "?token=tok-sec-1&access_token=tok-sec-1"],
        ["duplicated, bad then good", "{}", [["authorization", "Bearer nope"], ["authorization", "Bearer tok-sec-1"]]],
      ], ["valid", "{}", [["authorization", "Bearer tok-sec-1"]]]],
      [{ type: "api_key", header: "x-hook-key", value: "key-sec-1" }, [
        ["wrong header", "{}", [["x-api-key", "key-sec-1"]]],
        ["in the query", "{}", [], "?x-hook-key=key-sec-1&key=key-sec-1"],
        ["case differs", "{}", [["x-hook-key", "KEY-SEC-1"]]],
        ["duplicated, bad then good", "{}", [["x-hook-key", "nope"], ["x-hook-key", "key-sec-1"]]],
      ], ["valid", "{}", [["X-Hook-Key", "key-sec-1"]]]],
      [{ type: "api_key", query: "k", value: "q-sec-1" }, [
        ["in a header", "{}", [["x-api-key", "q-sec-1"], ["k", "q-sec-1"]]],
        ["other parameter", "{}", [], "?key=q-sec-1"],
        ["empty", "{}", [], "?k="],
      ], ["valid", "{}", [], "?k=q-sec-1"]],
      [{ type: "basic", username: "u-sec", password: "p-sec-1" }, [
        ["wrong password", "{}", [["authorization", `Basic ${btoa("u-sec:p-sec-2")}`]]],
        ["password only", "{}", [["authorization", `Basic ${btoa(":p-sec-1")}`]]],
        ["unencoded", "{}", [["authorization", "Basic u-sec:p-sec-1"]]],
        ["bearer with the password", "{}", [["authorization", "Bearer p-sec-1"]]],
        ["extra colon", "{}", [["authorization", `Basic ${btoa("u-sec:p-sec-1:")}`]]],
      ], ["valid", "{}", [["authorization", `Basic ${btoa("u-sec:p-sec-1")}`]]]],
    ];
    let n = 0;
    for (const [auth, attempts, control] of cases) {
      const { name, path } = await webhookTrigger(auth);
      for (const [label, body, headers, query] of attempts) {
        const r = await hook("acme", `${path}${query ?? ""}`, body, headers);
        expect(r.status, `${auth.type}: ${label}`).toBe(401);
        n++;
      }
      const ok = await hook("acme", `${path}${control[3] ?? ""}`, control[1], control[2]);
      expect(ok.status, `${auth.type}: control`).toBe(202);
      n++;
      await until(() => fireEvents(name), (e) => e.length === 1);
      expect(await inboxCount(name)).toBe(1);
      expect((await call("GET", `/v1/triggers/${name}/stats`)).body.authFailures).toBe(attempts.length);
    }
    console.log(`shared-secret webhooks: ${n} calls checked`);
  });
});

describe("secrets never leave the service", { timeout: 60_000 }, () => {
  it("no read answer (body or headers) carries a stored secret; a generated secret only in its one 201", async () => {
    const tag = uniq("leak").replace(/[^a-z0-9]/g, "");
    const S = {
      github: `ghs3cret${tag}`,
      bearer: `bearer-tok-${tag}`,
      apiKey: `apikey-val-${tag}`,
      apiKeyQuery: `apikeyq-val-${tag}`,
      password: `basic-pw-${tag}`,
      sw: "whsec_" + btoa(`sw-${tag}`.padEnd(32, "x").slice(0, 32)),
      subSecret: "whsec_" + btoa(`sub-${tag}`.padEnd(32, "y").slice(0, 32)),
      subHeader: `hdr-val-${tag}`,
      pollHeader: `poll-auth-${tag}`,
      rotated: `ghs3cret-rotated-${tag}`,
    };
    const secrets = Object.values(S);
    const names: string[] = [];
    const flows: string[] = [];
    const seen: Array<{ what: string; r: Call }> = [];
    const record = (what: string, r: Call) => (seen.push({ what, r }), r);

    const put = async (def: Record<string, unknown>) => {
      const name = uniq("leak");
      names.push(name);
      const r = record(`PUT ${name}`, await call("PUT", `/v1/triggers/${name}`, def));
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return { name, path: (def.webhook as any)?.path as string };
    };
    const p = (s: string) => `${s}-${tag}`;
    const gh = await put({ type: "webhook", webhook: { path: p("gh"), auth: { type: "hmac", provider: "github", secret: S.github } } });
    const bearer = await put({ type: "webhook", webhook: { path: p("bearer"), auth: { type: "bearer", token: S.bearer } }, transform: { pick: { auth: "$headers.authorization", body: "/x" } } });
    const apiKey = await put({ type: "webhook", webhook: { path: p("apikey"), auth: { type: "api_key", header: "x-hook-key", value: S.apiKey } }, transform: { pick: { k: "$headers.x-hook-key" } } });
    const apiKeyQ = await put({ type: "webhook", webhook: { path: p("apikeyq"), auth: { type: "api_key", query: "k", value: S.apiKeyQuery } } });
    const basic = await put({ type: "webhook", webhook: { path: p("basic"), auth: { type: "basic", username: "user", password: S.password } } });
    const sw = await put({ type: "webhook", webhook: { path: p("sw"), auth: { type: "hmac", provider: "standard-webhooks", secret: S.sw } } });
    const poll = await put({ type: "poll", poll: { url: "https://api.example.com/items", headers: { authorization: `Bearer ${S.pollHeader}` }, every: "5m", itemsPointer: "/items", idPointer: "/id" } });
    const ev = await put({ type: "event" });

    // a secret rotated by PUT: the update and its stream event must not carry either value
    const rot = record("PUT rotate", await call("PUT", `/v1/triggers/${gh.name}`, { type: "webhook", webhook: { path: gh.path, auth: { type: "hmac", provider: "github", secret: S.rotated } } }));
    expect(rot.status).toBe(200);
    // the redacted round trip keeps it
    const roundTrip = record("PUT round trip", await call("PUT", `/v1/triggers/${gh.name}`, { type: "webhook", displayName: "rt", webhook: { path: gh.path, auth: { type: "hmac", provider: "github", secret: "********" } } }));
    expect(roundTrip.status).toBe(200);

    // subscriptions: given secret and header, and a generated secret
    const fGiven = uniq("leak-given"), fGen = uniq("leak-gen");
    flows.push(fGiven, fGen);
    const given = record("PUT sub given", await call("PUT", `/v1/triggers/${ev.name}/subscriptions/${fGiven}`, { target: { type: "http", url: hookUrl("ok", tag), secret: S.subSecret, headers: { "x-custom-auth": S.subHeader } } }));
    expect(given.status).toBe(201);
    const gen = await call("PUT", `/v1/triggers/${ev.name}/subscriptions/${fGen}`, { mode: "manual", target: { type: "http", url: hookUrl("ok", tag) } });
    expect(gen.status).toBe(201);
    const generated: string = gen.body.secret;
    expect(generated).toMatch(/^whsec_/);
    secrets.push(generated);
    const genAgain = record("PUT sub gen again", await call("PUT", `/v1/triggers/${ev.name}/subscriptions/${fGen}`, { mode: "manual", target: { type: "http", url: hookUrl("ok", tag), timeoutMs: 5000 } }));
    expect(genAgain.status).toBe(200);
    const subOnWebhook = record("PUT sub on webhook", await call("PUT", `/v1/triggers/${gh.name}/subscriptions/${fGiven}`, { mode: "manual", target: { type: "http", url: hookUrl("ok", tag), secret: S.subSecret, headers: { "x-custom-auth": S.subHeader } } }));
    expect(subOnWebhook.status).toBe(201);

    // fires through every webhook, with the credential where it belongs
    const body = JSON.stringify({ x: 1 });
    const ghSig = await signFor("github", S.rotated, body);
    expect((await hook("acme", gh.path, body, ghSig)).status).toBe(202);
    expect((await hook("acme", bearer.path, body, { authorization: `Bearer ${S.bearer}` })).status).toBe(202);
    expect((await hook("acme", apiKey.path, body, { "x-hook-key": S.apiKey })).status).toBe(202);
    expect((await hook("acme", `${apiKeyQ.path}?k=${S.apiKeyQuery}&other=1`, body)).status).toBe(202);
    expect((await hook("acme", basic.path, body, { authorization: `Basic ${btoa(`user:${S.password}`)}` })).status).toBe(202);
    expect((await hook("acme", sw.path, body, await signFor("standard-webhooks", S.sw, body))).status).toBe(202);
    // refused webhooks: the answer must not echo the secret either
    record("401 gh", await hook("acme", gh.path, body, { "x-hub-signature-256": "sha256=" + "0".repeat(64) }));
    record("401 bearer", await hook("acme", bearer.path, body, { authorization: `Bearer ${S.bearer}x` }));
    const evFire = (await call("POST", `/v1/triggers/${ev.name}/fire`, { data: { hello: "world" } })).body;
    const fireIds = new Map<string, string[]>([[ev.name, [evFire.eventId]]]);
    for (const t of [gh, bearer, apiKey, apiKeyQ, basic, sw]) {
      const fired = await until(() => fireEvents(t.name), (e) => e.length === 1);
      expect(fired.map((e) => e.type)).toEqual(["trigger.fired"]);
      fireIds.set(t.name, fired.map((e) => e.id));
    }
    const settledFire = await until(() => call("GET", `/v1/triggers/${ev.name}/fires/${evFire.eventId}`), (r) => r.body.deliveries.every((d: any) => d.status !== "queued"));
    expect(settledFire.body.deliveries.map((d: any) => d.status).sort()).toEqual(["delivered", "skipped"]);

    // invalid writes that carry secrets: the 4xx must not echo them
    record("400 bad auth", await call("PUT", `/v1/triggers/${uniq("leak")}`, { type: "webhook", webhook: { path: p("bad"), auth: { type: "hmac", provider: "github", secret: S.github, toleranceSeconds: -5 } } }));
    record("400 bad provider", await call("PUT", `/v1/triggers/${uniq("leak")}`, { type: "webhook", webhook: { path: p("bad2"), auth: { type: "hmac", provider: "nope", secret: S.github } } }));
    record("400 bad bearer", await call("PUT", `/v1/triggers/${uniq("leak")}`, { type: "webhook", webhook: { path: p("bad3"), auth: { type: "bearer", token: S.bearer, extra: S.bearer } } }));
    record("400 bad sub", await call("PUT", `/v1/triggers/${ev.name}/subscriptions/${uniq("bad")}`, { target: { type: "http", url: "ftp://x/", secret: S.subSecret, headers: { "x-custom-auth": S.subHeader } } }));
    record("400 bad sub header", await call("PUT", `/v1/triggers/${ev.name}/subscriptions/${uniq("bad")}`, { target: { type: "http", url: hookUrl("ok", tag), secret: S.subSecret, headers: { "content-type": S.subHeader } } }));
    record("400 type change", await call("PUT", `/v1/triggers/${gh.name}`, { type: "event", webhook: { path: gh.path, auth: { type: "bearer", token: S.bearer } } }));
    record("409 if-match", await call("PUT", `/v1/triggers/${gh.name}`, { type: "webhook", webhook: { path: gh.path, auth: { type: "hmac", provider: "github", secret: S.github } } }, { headers: { "if-match": '"999"' } }));
    record("409 path taken", await call("PUT", `/v1/triggers/${uniq("leak")}`, { type: "webhook", webhook: { path: gh.path, auth: { type: "bearer", token: S.bearer } } }));

    // every read route
    const reads: string[] = ["/v1/providers", "/v1/triggers?limit=500", "/v1/triggers?type=webhook&limit=500", "/v1/triggers?type=poll", `/v1/triggers?subscribedBy=${fGiven}`, `/v1/triggers?q=leak.`];
    for (const f of flows) reads.push(`/v1/flows/${f}/subscriptions`);
    for (const n of names) {
      reads.push(`/v1/triggers/${n}`, `/v1/triggers/${n}/stats`, `/v1/triggers/${n}/events?limit=500`, `/v1/triggers/${n}/fires?limit=500`, `/v1/triggers/${n}/fires?status=skipped`, `/v1/triggers/${n}/fires?status=delivered`);
      for (const id of fireIds.get(n) ?? []) reads.push(`/v1/triggers/${n}/fires/${id}`);
    }
    // independent objects: read them concurrently
    const answers = await Promise.all(reads.map((path) => call("GET", path)));
    answers.forEach((r, i) => {
      record(`GET ${reads[i]}`, r);
      expect(r.status, reads[i]).toBe(200);
    });
    record("openapi", await call("GET", "/openapi.json", undefined, { key: null }));
    record("docs", await call("GET", "/docs", undefined, { key: null }));
    record("pull events", await call("GET", `/v1/triggers/${ev.name}/subscriptions/${fGiven}/events`));

    let checked = 0;
    for (const { what, r } of seen) {
      const text = (typeof r.body === "string" ? r.body : JSON.stringify(r.body)) + "\n" + [...r.headers].map(([k, v]) => `${k}: ${v}`).join("\n");
      for (const s of secrets) {
        expect(text.includes(s), `${what} carries a secret (${s.slice(0, 12)}…)`).toBe(false);
        // also not in an encoded form a reader could undo
        expect(text.includes(encodeURIComponent(s)) || text.includes(btoa(s)), `${what} carries an encoded secret`).toBe(false);
      }
      checked++;
    }
    // the redaction is visible where the secret would be
    const ghView = (await call("GET", `/v1/triggers/${gh.name}`)).body;
    expect(ghView.webhook.auth.secret).toBe("********");
    expect(ghView.subscriptions[fGiven].target).toMatchObject({ secret: "********", headers: { "x-custom-auth": "********" } });
    expect((await call("GET", `/v1/triggers/${poll.name}`)).body.poll.headers.authorization).toBe("********");
    // and the generated secret appeared only in its own 201
    expect(JSON.stringify(gen.body)).toContain(generated);
    console.log(`secrets: ${checked} answers checked against ${secrets.length} secret values`);
  });
});
