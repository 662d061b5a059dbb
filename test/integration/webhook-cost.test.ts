/**
 * A webhook's cost in its trigger object: 30 signed requests arriving
 * together are stored before their 202s and then processed into fires.
 *
 * - Requests that arrive together are stored in one transaction (a commit
 *   group), not one each.
 * - The requests stored while a processing pass is scheduled share that pass
 *   (one processing mark, one commit), not a pass each.
 * - The pass takes the rows this instance stored from memory instead of
 *   reading them back.
 */
import { describe, it, expect } from "vitest";
import { exports } from "cloudflare:workers";
import { call, uniq, triggerStub, inObject, until } from "../helpers";
import { signFor } from "../webhook-signers";

const SECRET = "gh-cost-secret";
const N = 30;

describe("webhooks: statements per webhook", () => {
  it(`${N} signed webhooks at once: at most 5.5 statements, 4.5 rows read and 1.5 transactions each (a pass per request: 6.07 statements; rows read back: 5.13; a transaction per stored request: 2.07)`, async () => {
    const name = uniq("whcost");
    const path = name.replace(/[^a-z0-9.-]/g, "-").toLowerCase();
    expect((await call("PUT", `/v1/triggers/${name}`, { type: "webhook", webhook: { path, auth: { type: "hmac", provider: "github", secret: SECRET } } })).status).toBe(201);
    const stub = triggerStub("acme", name);
    const send = async (i: number) => {
      const body = JSON.stringify({ i, pad: "x".repeat(1000) });
      const headers = { "content-type": "application/json", "x-github-event": "push", ...(await signFor("github", SECRET, body)), "x-github-delivery": `${name}-${i}` };
      const res = await (exports as any).default.fetch(new Request(`http://signalbox.test/webhooks/acme/${path}`, { method: "POST", headers, body }));
      await res.text();
      return res.status;
    };
    expect(await send(-1)).toBe(202); // the first request loads the object and its caches
    const open = () => inObject(stub, (o: any) => o.ctx.storage.sql.exec(`SELECT count(*) AS n FROM inbox WHERE status != 'completed'`).one().n as number);
    await until(open, (n) => n === 0);
    const counts = () => inObject(stub, (o: any) => ({ statements: o.core.sql.statements, rowsRead: o.core.sql.rowsRead, transactions: o.core.transactions }));
    const before = await counts();
    expect(await Promise.all(Array.from({ length: N }, (_, i) => send(i)))).toEqual(Array(N).fill(202));
    await until(open, (n) => n === 0);
    const fired = (await call("GET", `/v1/triggers/${name}/events?types=trigger.fired&limit=100`)).body.events;
    expect(fired).toHaveLength(N + 1);
    const after = await counts();
    const per = (k: keyof typeof after) => (after[k] - before[k]) / N;
    expect(per("statements")).toBeLessThanOrEqual(5.5);
    expect(per("rowsRead")).toBeLessThanOrEqual(4.5);
    expect(per("transactions")).toBeLessThanOrEqual(1.5);
  });
});
