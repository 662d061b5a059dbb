/**
 * Property-based fuzzing of the HTTP surface (fast-check, fixed seeds): random
 * and mutated bodies, names, queries, headers and methods against every /v1
 * route and the webhook ingress. Properties: never a 5xx; every 4xx is the
 * error envelope; a refused request (and any read) changes nothing in the
 * pre-registered fixtures (definition, version and stream); the stream and
 * the stats agree at the end.
 */
import { describe, it, expect, inject, beforeAll } from "vitest";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { call, fetchWorker, uniq, triggerStub, inObject, type Call } from "../helpers";
import { v1Request, webhookRequest, describeRequest, type FuzzContext, type FuzzRequest } from "../fuzz-arbitraries";

/** Change a seed here (or in a failure report) to replay a run; every run is deterministic for its seed. */
const SEED = 42;
const V1_RUNS = 350;
const WEBHOOK_RUNS = 150;
/** Every this many requests, every fixture is compared, not only the ones a request named. */
const BATCH = 40;

const port = inject("receiverPort");
const okUrl = (tag: string) => `http://127.0.0.1:${port}/hook/ok/${tag}`;


type Fixture = { name: string; def: Record<string, unknown>; path?: string };
type Snapshot = { trigger: unknown; events: unknown[] };

const counts = { requests: 0, unsendable: 0, s2xx: 0, s3xx: 0, s4xx: 0, s5xx: 0, byStatus: {} as Record<string, number>, byRoute: {} as Record<string, number>, compared: 0, batches: 0 };
const fixtures: Fixture[] = [];
const current = new Map<string, Snapshot>();
const createdByFuzz = new Set<string>();
let ctx: FuzzContext;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const safeDecode = (s: string) => {
  try { return decodeURIComponent(s); } catch { return s; }
};

async function allEvents(name: string): Promise<any[]> {
  const out: any[] = [];
  let after = 0;
  for (;;) {
    const r = await call("GET", `/v1/triggers/${name}/events?after=${after}&limit=500`);
    expect(r.status, `events of ${name}`).toBe(200);
    out.push(...r.body.events);
    if (r.body.events.length < 500) return out;
    after = r.body.events.at(-1).seq;
  }
}

async function allFires(name: string): Promise<any[]> {
  const out: any[] = [];
  let cursor = "";
  for (;;) {
    const r = await call("GET", `/v1/triggers/${name}/fires?limit=500${cursor ? `&cursor=${cursor}` : ""}`);
    expect(r.status).toBe(200);
    out.push(...r.body.fires);
    if (!r.body.nextCursor) return out;
    cursor = r.body.nextCursor;
  }
}

/** The trigger as stored, minus the counters a refused request may legitimately bump. */
async function view(name: string): Promise<any> {
  const t = await call("GET", `/v1/triggers/${name}`);
  expect(t.status, `fixture ${name} readable`).toBe(200);
  const { rejected: _r, deduplicated: _d, authFailures: _a, ...stats } = t.body.stats;
  return { ...t.body, stats, etag: t.headers.get("etag") };
}

/** The trigger and its whole stream. */
async function snapshot(name: string): Promise<Snapshot> {
  const [trigger, events] = await Promise.all([view(name), allEvents(name)]);
  return { trigger, events };
}

/**
 * The cheap check after each request: the trigger is as recorded and the
 * stream has nothing after the recorded end (it is append-only; the batch
 * checks compare whole streams).
 */
async function quick(name: string): Promise<{ trigger: any; newEvents: any[] }> {
  const last = (current.get(name)!.events.at(-1) as any)?.seq ?? 0;
  const [trigger, tail] = await Promise.all([view(name), call("GET", `/v1/triggers/${name}/events?after=${last}&limit=20`)]);
  return { trigger, newEvents: tail.body.events };
}

const inboxPending = (name: string) =>
  inObject(triggerStub("acme", name), (o: any) => o.ctx.storage.sql.exec("SELECT count(*) AS n FROM inbox WHERE status IN ('pending', 'processing')").one().n as number);

/** Waits until the fixtures have nothing in flight (no queued delivery, no unprocessed webhook), then snapshots them. */
async function settle(names: string[]): Promise<Map<string, Snapshot>> {
  const end = Date.now() + 30_000;
  for (;;) {
    const [snaps, inbox] = await Promise.all([
      Promise.all(names.map(snapshot)),
      Promise.all(names.map((n) => (fixtures.find((f) => f.name === n)?.path ? inboxPending(n) : 0))),
    ]);
    if (snaps.every((s) => (s.trigger as any).stats.pending === 0) && inbox.every((n) => n === 0)) {
      // one more look: nothing arrived meanwhile
      await sleep(30);
      const again = await Promise.all(names.map(view));
      if (again.every((v, i) => JSON.stringify(v) === JSON.stringify(snaps[i].trigger))) return new Map(names.map((n, i) => [n, snaps[i]]));
    }
    if (Date.now() > end) throw new Error(`fixtures did not settle: ${names.join(", ")}`);
    await sleep(50);
  }
}

/** The fixtures a request names in its path, query or body (deliveries and batches may reach any of them). */
function touched(req: FuzzRequest): string[] {
  if (req.route === "delivery.status" || req.route === "events.batch") return fixtures.map((f) => f.name);
  const body = req.body.kind === "text" && req.body.text.length < 20_000 ? req.body.text : "";
  const hay = safeDecode(req.path + req.query) + " " + req.path + req.query + " " + body;
  return fixtures.filter((f) => hay.includes(f.name) || (f.path !== undefined && hay.includes(f.path))).map((f) => f.name);
}

async function send(req: FuzzRequest): Promise<{ status: number; text: string; headers: Headers } | null> {
  let request: Request;
  try {
    const headers = new Headers();
    for (const [k, v] of req.headers) headers.append(k, v);
    if (req.key !== null) headers.set("authorization", `Bearer ${req.key}`);
    const bodyless = req.method === "GET" || req.method === "HEAD";
    const body = bodyless || req.body.kind === "none" ? undefined : req.body.kind === "text" ? req.body.text : new Uint8Array(req.body.bytes);
    request = new Request(`http://signalbox.test${req.path}${req.query}`, { method: req.method, headers, body });
  } catch {
    counts.unsendable++; // the client side refuses it (bad header value, URL): nothing reaches the Worker
    return null;
  }
  const res = await fetchWorker(request);
  return { status: res.status, text: await res.text(), headers: res.headers };
}

/** One request and its properties. */
async function exercise(req: FuzzRequest): Promise<void> {
  const names = touched(req);
  const res = await send(req);
  if (!res) return;
  counts.requests++;
  counts.byStatus[res.status] = (counts.byStatus[res.status] ?? 0) + 1;
  counts.byRoute[req.route] = (counts.byRoute[req.route] ?? 0) + 1;
  const cls = `s${Math.floor(res.status / 100)}xx` as "s2xx" | "s3xx" | "s4xx" | "s5xx";
  if (cls in counts) counts[cls]++;
  const what = `${describeRequest(req)}\n  → ${res.status} ${res.text.slice(0, 400)}`;

  if (res.status >= 500) throw new Error(`5xx answer:\n  ${what}`);
  if (res.status >= 400 && req.method !== "HEAD") {
    let body: any;
    try { body = JSON.parse(res.text); } catch { throw new Error(`4xx answer is not JSON:\n  ${what}`); }
    const ok = body && typeof body === "object" && typeof body.error?.code === "string" && /^[a-z][a-z0-9_]*$/.test(body.error.code) && typeof body.error.message === "string";
    if (!ok) throw new Error(`4xx answer is not the error envelope:\n  ${what}`);
    if (/\n\s+at\s/.test(body.error.message)) throw new Error(`4xx answer carries a stack trace:\n  ${what}`);
  }

  if (res.status < 300 && req.method !== "HEAD" && req.path.startsWith("/v1/")) {
    try { JSON.parse(res.text); } catch { throw new Error(`2xx answer is not JSON:\n  ${what}`); }
  }

  const readOnly = req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS";
  const changesNothing = res.status >= 400 || readOnly;
  if (names.length) {
    if (changesNothing) {
      const now = await Promise.all(names.map(quick));
      names.forEach((n, i) => {
        counts.compared++;
        const label = `${res.status >= 400 ? "refused" : "read"} request changed fixture ${n}:\n  ${what}`;
        expect(now[i].newEvents, label).toEqual([]);
        expect(now[i].trigger, label).toEqual(current.get(n)!.trigger);
      });
    } else {
      for (const [n, s] of await settle(names)) current.set(n, s);
    }
  }

  // A refused PUT must not have created what it named.
  if (req.method === "PUT" && req.route === "trigger.put") {
    const name = safeDecode(req.path.slice("/v1/triggers/".length));
    const valid = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(name) && !name.includes("/");
    if (valid && res.status < 300) createdByFuzz.add(name);
    else if (valid && res.status >= 400 && !createdByFuzz.has(name) && !fixtures.some((f) => f.name === name)) {
      const g = await call("GET", `/v1/triggers/${encodeURIComponent(name)}`);
      expect(g.status, `refused PUT created ${name}:\n  ${what}`).toBe(404);
    }
  }

  if (counts.requests % BATCH === 0) await batchCheck(`after request ${counts.requests}`);
}

/** Every fixture, not only the named ones, is as the accepted requests left it. */
async function batchCheck(label: string) {
  counts.batches++;
  const all = await Promise.all(fixtures.map((f) => snapshot(f.name)));
  fixtures.forEach((f, i) => expect(all[i], `${label}: fixture ${f.name} changed without an accepted request naming it`).toEqual(current.get(f.name)));
}

/** Undoes what accepted fuzz requests did to the fixtures' definitions (retired, changed path or auth), through the API. */
async function restoreFixtures() {
  for (const f of fixtures) {
    expect((await call("POST", `/v1/triggers/${f.name}/reactivate`, {})).status).toBe(200);
    const r = await call("PUT", `/v1/triggers/${f.name}`, f.def);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  }
  for (const [n, snap] of await settle(fixtures.map((f) => f.name))) current.set(n, snap);
}

/** The stream/stat invariants of API.md and README "Decisions", exact once nothing is in flight. */
async function checkInvariants() {
  await settle(fixtures.map((f) => f.name));
  for (const f of fixtures) {
    const events = await allEvents(f.name);
    const fires = await allFires(f.name);
    const stats = (await call("GET", `/v1/triggers/${f.name}/stats`)).body;
    const fired = events.filter((e) => e.type === "trigger.fired");
    const skippedFires = events.filter((e) => e.type === "trigger.skipped");
    const deliveries = fires.flatMap((x) => x.deliveries);
    const n = (...s: string[]) => deliveries.filter((d) => s.includes(d.status)).length;
    const label = `invariants of ${f.name}`;
    expect(stats.totalFires, label).toBe(fired.length);
    expect(stats.lastFiredAt, label).toBe(fired.length ? Math.max(...fired.map((e) => e.ts)) : null);
    expect(fires.map((x) => x.eventId).sort(), label).toEqual([...fired, ...skippedFires].map((e) => e.id).sort());
    expect(stats.skipped, label).toBe(skippedFires.length + n("skipped"));
    expect(stats.delivered, label).toBe(n("delivered", "processing", "completed"));
    expect(stats.failed, label).toBe(n("failed"));
    expect(stats.dead, label).toBe(n("dead"));
    expect(stats.pending, label).toBe(n("queued", "delivering"));
    // seqs are strictly increasing and ids unique
    expect(events.map((e) => e.seq), label).toEqual([...events.map((e) => e.seq)].sort((a, b) => a - b));
    expect(new Set(events.map((e) => e.seq)).size, label).toBe(events.length);
    expect(new Set([...fired, ...skippedFires].map((e) => e.id)).size, label).toBe(fired.length + skippedFires.length);
  }
}

beforeAll(async () => {
  const tag = uniq("fz").replace(/[^a-z0-9]/g, "");
  const name = (kind: string) => `fz.${kind}.${tag}`;
  const sigPath = `fz-sig-${tag}`;
  const openPath = `fz-open-${tag}`;
  const defs: Array<[string, Record<string, unknown>, string?]> = [
    [name("event"), {
      type: "event", displayName: "Fuzz event", description: "fixture", schema: { type: "object" }, filter: { "data.drop": { $ne: true } },
      dedup: { windowSeconds: 3600 }, config: { persistData: true, retentionDays: 30 }, ui: { form: [{ name: "source", type: "select", label: "Source", options: [] }] },
    }],
    [name("manual"), { type: "manual", displayName: "Fuzz manual" }],
    [name("hooksig"), { type: "webhook", webhook: { path: sigPath, methods: ["POST"], auth: { type: "hmac", provider: "github", secret: "fz-gh-secret" }, maxBodyBytes: 65536 } }, sigPath],
    [name("hookopen"), {
      type: "webhook", webhook: { path: openPath, methods: ["POST", "PUT"], auth: { type: "none" }, maxBodyBytes: 4096 },
      transform: { pick: { id: "/id", kind: "/kind", hdr: "$headers.x-kind" } }, schema: { type: "object", required: ["id"] },
      filter: { "data.kind": { $ne: "ignore" } }, dedup: { key: "body:/id" },
    }, openPath],
    [name("sched"), { type: "schedule", schedule: { cron: "0 0 1 1 *", timezone: "UTC", overlap: "allow_all", catchup: "none" } }],
  ];
  for (const [n, def, path] of defs) {
    const r = await call("PUT", `/v1/triggers/${n}`, def);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    fixtures.push({ name: n, def, path });
  }
  const [ev, man, , open, sched] = fixtures.map((f) => f.name);
  const sub = async (t: string, flow: string, body: unknown) => expect((await call("PUT", `/v1/triggers/${t}/subscriptions/${flow}`, body)).status).toBe(201);
  await sub(ev, "fz-pull", { target: { type: "pull" } });
  await sub(ev, "fz-manual", { mode: "manual", target: { type: "http", url: okUrl(tag) } });
  await sub(ev, "fz-queue", { target: { type: "queue", queue: "FLOW_QUEUE" } });
  await sub(man, "fz-queue", { target: { type: "queue", queue: "FLOW_QUEUE" } });
  await sub(open, "fz-pull", { target: { type: "pull" } });
  await sub(sched, "fz-pull", { target: { type: "pull" } });

  const eventIds: string[] = [];
  const deliveryIds: string[] = [];
  const fire = async (t: string, body: unknown, headers: Record<string, string> = {}) => {
    const r = await call("POST", `/v1/triggers/${t}/fire`, body, { headers });
    expect(r.status).toBe(202);
    eventIds.push(r.body.eventId);
    deliveryIds.push(...r.body.deliveries.map((d: any) => d.deliveryId));
  };
  await fire(ev, { data: { id: "a" } });
  await fire(ev, { data: { id: "b", drop: true } });
  await fire(ev, { data: { id: "c" } }, { "idempotency-key": "fz-key" });
  await fire(man, { data: { m: 1 } });
  await fire(man, { data: { m: 2 }, idempotencyKey: "fz-b" });
  for (const body of [{ id: "w1", kind: "created" }, { id: "w2", kind: "ignore" }]) {
    const r = await fetchWorker(new Request(`http://signalbox.test/webhooks/acme/${openPath}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }));
    expect(r.status).toBe(202);
    eventIds.push(((await r.json()) as any).id);
  }
  for (const [n, s] of await settle(fixtures.map((f) => f.name))) current.set(n, s);

  ctx = {
    tenant: "acme",
    names: fixtures.map((f) => f.name),
    flows: ["fz-pull", "fz-manual", "fz-queue", "fz-missing"],
    eventIds,
    deliveryIds,
    webhookPaths: [sigPath, openPath],
    definitions: fixtures.map((f) => f.def),
    subscription: { mode: "auto", target: { type: "http", url: okUrl(`${tag}-sub`), timeoutMs: 2000 }, retry: { maxAttempts: 2, initialBackoffSeconds: 1, maxBackoffSeconds: 1 } },
  };
  console.log(`fuzz: seed ${SEED} (v1 runs ${V1_RUNS}, webhook runs ${WEBHOOK_RUNS})`);
}, 60_000);

describe("HTTP fuzz (fast-check, seed printed)", { timeout: 120_000 }, () => {
  it("every /v1 route: random methods, names, queries, headers and bodies → no 5xx, 4xx envelopes, refusals change nothing", async () => {
    await fc.assert(fc.asyncProperty(v1Request(ctx), exercise), { seed: SEED, numRuns: V1_RUNS, endOnFailure: true });
    await batchCheck("end of /v1 fuzz");
  });

  it("webhook ingress: random tenants, paths, methods, signatures and bodies → no 5xx, 4xx envelopes, refusals change nothing", async () => {
    await restoreFixtures();
    await fc.assert(fc.asyncProperty(webhookRequest(ctx), exercise), { seed: SEED + 1, numRuns: WEBHOOK_RUNS, endOnFailure: true });
    await batchCheck("end of webhook fuzz");
  });

  it("the stream and the stats agree for every fixture", async () => {
    await checkInvariants();
    console.log(
      `fuzz: ${counts.requests} requests (${counts.s2xx} 2xx, ${counts.s3xx} 3xx, ${counts.s4xx} 4xx, ${counts.s5xx} 5xx; ${counts.unsendable} refused client-side), ` +
        `${counts.compared} fixture comparisons, ${counts.batches} batch checks\n  by status ${JSON.stringify(counts.byStatus)}\n  by route ${JSON.stringify(counts.byRoute)}`,
    );
    expect(counts.s5xx).toBe(0);
    expect(counts.requests).toBeGreaterThan(V1_RUNS + WEBHOOK_RUNS - 40);
  });
});
