/**
 * The ceiling for the benchmarks: the least code that does what a Signalbox
 * fire and a webhook ingest need, on the same runner.
 *   POST /fire?to=<url>    route → one SQLite insert in a Durable Object → one queue message → the consumer POSTs to <url>
 *   POST /direct?to=<url>  route → one queue message → the consumer POSTs to <url>
 *   POST /ingest           route → stores the body in one object (one row) → 202
 *   GET  /healthz
 */
import { DurableObject } from "cloudflare:workers";

type Msg = { to: string; id: string; body: string };
interface Env {
  STORE: DurableObjectNamespace<Store>;
  Q: Queue<Msg>;
}

export class Store extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL)`);
  }

  async fire(to: string, body: string): Promise<string> {
    const id = crypto.randomUUID();
    this.ctx.storage.sql.exec(`INSERT INTO rows (body) VALUES (?)`, body);
    await this.env.Q.send({ to, id, body });
    return id;
  }

  async ingest(body: string): Promise<void> {
    this.ctx.storage.sql.exec(`INSERT INTO rows (body) VALUES (?)`, body);
  }
}

export default {
  async fetch(req, env) {
    const url = new URL(req.url);
    if (url.pathname === "/healthz") return Response.json({ ok: true });
    const store = env.STORE.get(env.STORE.idFromName("one"));
    if (url.pathname === "/fire") {
      const body = await req.text();
      const id = await store.fire(url.searchParams.get("to")!, body);
      return Response.json({ id }, { status: 202 });
    }
    if (url.pathname === "/direct") {
      const id = crypto.randomUUID();
      await env.Q.send({ to: url.searchParams.get("to")!, id, body: await req.text() });
      return Response.json({ id }, { status: 202 });
    }
    if (url.pathname === "/ingest") {
      await store.ingest(await req.text());
      return Response.json({ status: "accepted" }, { status: 202 });
    }
    return new Response("not found", { status: 404 });
  },
  async queue(batch) {
    await Promise.all(
      batch.messages.map(async (m) => {
        const res = await fetch(m.body.to, { method: "POST", headers: { "content-type": "application/json", "webhook-id": m.body.id }, body: m.body.body });
        await res.body?.cancel();
        m.ack();
      }),
    );
  },
} satisfies ExportedHandler<Env, Msg>;
