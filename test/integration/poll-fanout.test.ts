/**
 * The poll fan-out outbox is drained per member: a member whose first row is
 * backing off (its trigger unreachable during an outage) holds only its own
 * rows. Before the fix one such member with 500 or more rows starved every
 * member after it (`ORDER BY member, id LIMIT 500` saw only its rows) and
 * kept the group's alarm firing at once (its later rows looked due).
 */
import { describe, it, expect, inject } from "vitest";
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { call, inObject, uniq, until } from "../helpers";

const port = inject("receiverPort");
const base = `http://127.0.0.1:${port}`;
const src = (id: string) => `${base}/provider/${id}`;
const script = (id: string, body: unknown) => fetch(`${base}/provider/${id}/script`, { method: "POST", body: JSON.stringify(body) });
const fired = async (name: string) => ((await call("GET", `/v1/triggers/${name}/events?types=trigger.fired&limit=500`)).body.events as any[]);

async function register(name: string, url: string) {
  const r = await call("PUT", `/v1/triggers/${name}`, { type: "poll", poll: { url, every: "5s", itemsPointer: "/items" } });
  expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
  const v = (await call("GET", `/v1/triggers/${name}`)).body;
  return env.POLL_GROUPS.get(env.POLL_GROUPS.idFromName(`acme:poll:${v.poll.state.group}`)) as any;
}

/** Makes the group's next poll due now and runs its alarm (the poll, then the fan-out). */
async function pollNow(g: any): Promise<void> {
  await inObject(g, (o: any) => {
    const st = o.core.state();
    o.core.tx(() => o.core.saveState({ ...st, nextAt: Date.now() }));
  });
  await runDurableObjectAlarm(g);
}

describe("poll fan-out fairness", () => {
  it("a member with 600 rows backing off does not starve the members after it, nor spin the alarm", async () => {
    const id = uniq("fo");
    const first = `${uniq("fa")}.a`, second = `${uniq("fb")}.b`; // "fa…" sorts before "fb…"
    await script(id, { items: [] });
    const g = await register(first, src(id));
    await register(second, src(id));
    await until(() => g.inspect(), (x: any) => x.state?.polls >= 1 && x.pendingFanOut === 0, 5000);
    // an outage of the first member's trigger left 600 rows; its first one is backing off for an hour
    const later = Date.now() + 3_600_000;
    await inObject(g, (o: any) => o.core.tx(() => {
      for (let i = 0; i < 600; i++) o.core.sql.run(`INSERT INTO fanout (member, batch, payload, attempts, next_at) VALUES (?, NULL, NULL, ?, ?)`, first, i === 0 ? 9 : 0, i === 0 ? later : 0);
    }));
    await script(id, { items: [{ id: "x1" }] });
    await pollNow(g);
    expect((await fired(second)).map((e) => e.data.payload.id)).toEqual(["x1"]);
    expect(await fired(first)).toEqual([]);
    const i = await g.inspect();
    expect(i.pendingFanOut).toBe(601); // the first member's rows wait, in order, behind its head
    // the alarm waits for the next poll (5 s) instead of firing again at once for rows that cannot go
    expect(i.alarm - Date.now()).toBeGreaterThan(2_000);

    // when the head is due again, the first member gets everything, in order
    await inObject(g, (o: any) => o.core.sql.run(`UPDATE fanout SET next_at = 0 WHERE member = ?`, first));
    await runDurableObjectAlarm(g);
    await until(() => g.inspect(), (x: any) => x.pendingFanOut === 0, 5000);
    expect((await fired(first)).map((e) => e.data.payload.id)).toEqual(["x1"]);
    expect((await g.inspect()).pendingFanOut).toBe(0);
  });

  it("rows waiting behind a backing-off first row do not make the alarm fire at once", async () => {
    const id = uniq("fo"), name = uniq("fc");
    await script(id, { items: [] });
    const g = await register(name, src(id));
    await until(() => g.inspect(), (x: any) => x.state?.polls >= 1 && x.pendingFanOut === 0, 5000);
    const later = Date.now() + 60_000;
    await inObject(g, (o: any) => o.core.tx(() => {
      o.core.saveState({ ...o.core.state(), nextAt: later + 60_000 }); // no poll due soon either
      for (let i = 0; i < 3; i++) o.core.sql.run(`INSERT INTO fanout (member, batch, payload, attempts, next_at) VALUES (?, NULL, NULL, ?, ?)`, name, i === 0 ? 5 : 0, i === 0 ? later : 0);
    }));
    await runDurableObjectAlarm(g);
    const i = await g.inspect();
    expect(i.pendingFanOut).toBe(3);
    expect(i.alarm).toBe(later);
  });
});
