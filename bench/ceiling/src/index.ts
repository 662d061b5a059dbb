/**
 * The ceiling for the benchmarks: the least code that does what a Signalbox
 * fire and a webhook ingest need, on the same runner.
 *   POST /fire?to=<url>    route → one SQLite insert in a Durable Object → one queue message → the consumer POSTs to <url>
 *                          (&bound=6: the consumer sends at most 6 at a time per invocation, as Signalbox's does and production allows)
 *                          (&work=1: with what a Signalbox delivery needs besides: two rows (the event, the delivery),
 *                          the POST signed (HMAC-SHA256 over id.timestamp.body, sent as x-ceiling-signature), the
 *                          outcome written back to the object (one update per delivery, one call per invocation), 6 at a time)
 *                          (&shards=4: the messages go to four queues in turns, as Signalbox's fast queue is sharded; each queue's
 *                          invocations run one at a time, so four invocations can run at once)
 *   POST /fire-batch?to=<url>&shards=4   body {"delays":[s, …]}: the same-work fire for each entry (two rows, a signed POST, the
 *                          outcome written back, 6 at a time per invocation), each message held back its delay in whole seconds,
 *                          so a burst falls due at chosen times (the bare side of bench/awaits.mjs); answers {"ids":[…]}
 *   POST /direct?to=<url>  route → one queue message → the consumer POSTs to <url>
 *   POST /ingest           route → stores the body in one object (one row) → 202
 *                          (&work=1: what a signed webhook needs besides: the object checks the GitHub HMAC
 *                          (x-hub-signature-256, secret from ?secret=) before the row, and after the answer reads
 *                          the row back, parses its JSON and writes it as an event row: two more row writes)
 *   POST /poll?id=&url=&everyMs=   one object per id polls <url> at once, then on the grid start + k·everyMs (one alarm, one GET, one row)
 *   POST /poll-stop?id=    deletes that object's alarm
 *   GET  /healthz
 */
import { DurableObject } from "cloudflare:workers";

type Msg = { to: string; id: string; body: string; bound?: number; work?: boolean };
interface Env {
  STORE: DurableObjectNamespace<Store>;
  POLLER: DurableObjectNamespace<Poller>;
  Q: Queue<Msg>;
  Q1: Queue<Msg>;
  Q2: Queue<Msg>;
  Q3: Queue<Msg>;
}

let turn = 0;
/** The queue for the next message: Q, or with `shards` > 1 the next of Q, Q1, Q2, Q3 in turn. */
function queueOf(env: Env, shards = 1): Queue<Msg> {
  const qs = [env.Q, env.Q1, env.Q2, env.Q3];
  return qs[turn++ % Math.min(Math.max(1, shards), qs.length)];
}

export class Store extends DurableObject<Env> {
  /** the imported HMAC key, kept (one secret per run) */
  private key: CryptoKey | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL, done INTEGER NOT NULL DEFAULT 0)`);
    // the rows still to process, as Signalbox's inbox keeps them (a partial index): the drain reads only those
    ctx.storage.sql.exec(`CREATE INDEX IF NOT EXISTS rows_open ON rows (id) WHERE done = 0`);
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, data TEXT NOT NULL)`);
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS deliveries (id TEXT PRIMARY KEY, status TEXT NOT NULL)`);
  }

  async fire(to: string, body: string, bound?: number, shards?: number): Promise<string> {
    const id = crypto.randomUUID();
    this.ctx.storage.sql.exec(`INSERT INTO rows (body, done) VALUES (?, 1)`, body);
    await queueOf(this.env, shards).send({ to, id, body, ...(bound ? { bound } : {}) });
    return id;
  }

  /** A Signalbox fire's two rows (the event, the delivery); answers the delivery's id. */
  private recordFire(body: string, id = crypto.randomUUID()): string {
    this.ctx.storage.sql.exec(`INSERT INTO events (data) VALUES (?)`, body);
    this.ctx.storage.sql.exec(`INSERT INTO deliveries (id, status) VALUES (?, 'queued')`, id);
    return id;
  }

  async fireWithWork(to: string, body: string, shards?: number): Promise<string> {
    const id = this.recordFire(body);
    await queueOf(this.env, shards).send({ to, id, body, bound: 6, work: true });
    return id;
  }

  /** fireWithWork for each delay, each message held back `delays[i]` seconds; one batch per queue. */
  async fireBatchWithWork(to: string, delays: number[], shards?: number): Promise<string[]> {
    const ids: string[] = [];
    const byQueue = new Map<Queue<Msg>, MessageSendRequest<Msg>[]>();
    for (const delaySeconds of delays) {
      const id = crypto.randomUUID();
      const body = JSON.stringify({ id });
      this.recordFire(body, id);
      const q = queueOf(this.env, shards);
      byQueue.set(q, [...(byQueue.get(q) ?? []), { body: { to, id, body, bound: 6, work: true }, delaySeconds }]);
      ids.push(id);
    }
    for (const [q, batch] of byQueue) for (let i = 0; i < batch.length; i += 100) await q.sendBatch(batch.slice(i, i + 100));
    return ids;
  }

  outcomes(ids: string[]): void {
    for (const id of ids) this.ctx.storage.sql.exec(`UPDATE deliveries SET status = 'delivered' WHERE id = ?`, id);
  }

  /** (stored as done: the same-work route's drain after the answer takes only its own rows, not this route's) */
  async ingest(body: string): Promise<void> {
    this.ctx.storage.sql.exec(`INSERT INTO rows (body, done) VALUES (?, 1)`, body);
  }

  /** The same, with a webhook's other work: the signature checked first, the event written after the answer. */
  async ingestWithWork(body: string, secret: string, signature: string): Promise<boolean> {
    this.key ??= await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
    const key = this.key;
    const hex = signature.replace(/^sha256=/, "");
    const mac = new Uint8Array(hex.match(/../g)?.map((b) => parseInt(b, 16)) ?? []);
    if (!(await crypto.subtle.verify("HMAC", key, mac, new TextEncoder().encode(body)))) return false;
    this.ctx.storage.sql.exec(`INSERT INTO rows (body) VALUES (?)`, body);
    this.ctx.waitUntil(new Promise<void>((done) => setTimeout(() => {
      for (const r of this.ctx.storage.sql.exec<{ id: number; body: string }>(`SELECT id, body FROM rows WHERE done = 0 ORDER BY id LIMIT 100`).toArray()) {
        this.ctx.storage.sql.exec(`INSERT INTO events (data) VALUES (?)`, JSON.stringify({ payload: JSON.parse(r.body) }));
        this.ctx.storage.sql.exec(`UPDATE rows SET done = 1 WHERE id = ?`, r.id);
      }
      done();
    }, 0)));
    return true;
  }
}

/** The least a poll group does: an alarm on a fixed grid, a GET, one row written, the next alarm. */
export class Poller extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS poll (k INTEGER PRIMARY KEY CHECK (k = 1), url TEXT, every_ms INTEGER, anchor INTEGER, polls INTEGER)`);
  }

  async start(url: string, everyMs: number): Promise<void> {
    const now = Date.now();
    this.ctx.storage.sql.exec(`INSERT OR REPLACE INTO poll (k, url, every_ms, anchor, polls) VALUES (1, ?, ?, ?, 0)`, url, everyMs, now);
    await this.ctx.storage.setAlarm(now);
  }

  async stop(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
  }

  async alarm(): Promise<void> {
    const row = this.ctx.storage.sql.exec<{ url: string; every_ms: number; anchor: number }>(`SELECT url, every_ms, anchor FROM poll WHERE k = 1`).toArray()[0];
    if (!row) return;
    const res = await fetch(row.url);
    await res.text();
    this.ctx.storage.sql.exec(`UPDATE poll SET polls = polls + 1 WHERE k = 1`);
    const now = Date.now();
    await this.ctx.storage.setAlarm(row.anchor + (Math.floor((now - row.anchor) / row.every_ms) + 1) * row.every_ms);
  }
}

let signingKey: CryptoKey | undefined;

export default {
  async fetch(req, env) {
    const url = new URL(req.url);
    if (url.pathname === "/healthz") return Response.json({ ok: true });
    const store = env.STORE.get(env.STORE.idFromName("one"));
    if (url.pathname === "/fire") {
      const body = await req.text();
      const bound = Number(url.searchParams.get("bound")) || undefined;
      const shards = Number(url.searchParams.get("shards")) || undefined;
      const id = url.searchParams.get("work") ? await store.fireWithWork(url.searchParams.get("to")!, body, shards) : await store.fire(url.searchParams.get("to")!, body, bound, shards);
      return Response.json({ id }, { status: 202 });
    }
    if (url.pathname === "/fire-batch") {
      const { delays } = (await req.json()) as { delays: number[] };
      const ids = await store.fireBatchWithWork(url.searchParams.get("to")!, delays, Number(url.searchParams.get("shards")) || undefined);
      return Response.json({ ids }, { status: 202 });
    }
    if (url.pathname === "/direct") {
      const id = crypto.randomUUID();
      await env.Q.send({ to: url.searchParams.get("to")!, id, body: await req.text() });
      return Response.json({ id }, { status: 202 });
    }
    if (url.pathname === "/poll" || url.pathname === "/poll-stop") {
      const poller = env.POLLER.get(env.POLLER.idFromName(url.searchParams.get("id")!));
      if (url.pathname === "/poll") await poller.start(url.searchParams.get("url")!, Number(url.searchParams.get("everyMs")));
      else await poller.stop();
      return Response.json({ ok: true });
    }
    if (url.pathname === "/ingest" && url.searchParams.get("work")) {
      const ok = await store.ingestWithWork(await req.text(), url.searchParams.get("secret") ?? "", req.headers.get("x-hub-signature-256") ?? "");
      return ok ? Response.json({ status: "accepted" }, { status: 202 }) : Response.json({ error: "unauthorized" }, { status: 401 });
    }
    if (url.pathname === "/ingest") {
      await store.ingest(await req.text());
      return Response.json({ status: "accepted" }, { status: 202 });
    }
    return new Response("not found", { status: 404 });
  },
  async queue(batch, env) {
    // unbounded (every message at once) unless the messages ask for a bound
    const bound = batch.messages.find((m) => m.body.bound)?.body.bound ?? batch.messages.length;
    let next = 0;
    const done: string[] = [];
    const send = async () => {
      while (next < batch.messages.length) {
        const m = batch.messages[next++];
        const headers: Record<string, string> = { "content-type": "application/json", "webhook-id": m.body.id };
        if (m.body.work) {
          const ts = String(Math.floor(Date.now() / 1000));
          signingKey ??= await crypto.subtle.importKey("raw", new TextEncoder().encode("ceiling-secret"), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
          const mac = await crypto.subtle.sign("HMAC", signingKey, new TextEncoder().encode(`${m.body.id}.${ts}.${m.body.body}`));
          headers["webhook-timestamp"] = ts;
          headers["x-ceiling-signature"] = `v1,${btoa(String.fromCharCode(...new Uint8Array(mac)))}`;
        }
        const res = await fetch(m.body.to, { method: "POST", headers, body: m.body.body });
        await res.body?.cancel();
        if (m.body.work) done.push(m.body.id);
        else m.ack();
      }
    };
    await Promise.all(Array.from({ length: Math.min(bound, batch.messages.length) }, send));
    if (done.length) {
      await env.STORE.get(env.STORE.idFromName("one")).outcomes(done);
      batch.ackAll();
    }
  },
} satisfies ExportedHandler<Env, Msg>;
