/**
 * A poll group never polls faster than its period (API.md "Poll triggers"):
 * not after a retry that landed between two slots of its grid (measured
 * before the fix: gaps 5005, 8004, 1990 ms with a 5 s period), not between
 * the slots of two members with different periods, and not when a member
 * joins right after such a retry. The group runs on a fake clock; each poll
 * is driven by its alarm at the time the group asked for.
 */
import { describe, it, expect, inject } from "vitest";
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { call, inObject, uniq, until } from "../helpers";

const port = inject("receiverPort");
const base = `http://127.0.0.1:${port}`;
const src = (id: string) => `${base}/provider/${id}`;
const script = (id: string, body: unknown) => fetch(`${base}/provider/${id}/script`, { method: "POST", body: JSON.stringify(body) });

async function register(name: string, url: string, every = "5s") {
  const r = await call("PUT", `/v1/triggers/${name}`, { type: "poll", poll: { url, every, itemsPointer: "/items" } });
  expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
  const v = (await call("GET", `/v1/triggers/${name}`)).body;
  return env.POLL_GROUPS.get(env.POLL_GROUPS.idFromName(`acme:poll:${v.poll.state.group}`)) as any;
}

/** Waits for the first poll, then puts the group on a fake clock set to its next due time. */
async function onFakeClock(g: any): Promise<void> {
  await until(() => g.inspect(), (x: any) => x.state?.polls >= 1, 5000);
  await inObject(g, (o: any) => {
    o.__now = o.core.state().nextAt;
    o.core.clock = () => o.__now;
  });
}

/** Runs the group's next poll at exactly the time it asked for; answers that time. */
async function nextPoll(g: any): Promise<number> {
  const due = await inObject(g, (o: any) => {
    o.__now = o.core.state().nextAt;
    return o.__now as number;
  });
  await runDurableObjectAlarm(g);
  return due;
}

const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]);

describe("poll spacing", () => {
  it("after failures retried off the grid, the next poll is still at least a period away", async () => {
    const id = uniq("sp"), name = uniq("poll");
    await script(id, { items: [] });
    const g = await register(name, src(id));
    await onFakeClock(g);
    // two 503s, the first with Retry-After 7 s: the retry lands 2 s before a slot of the 5 s grid
    await script(id, { once: [{ status: 503, retryAfter: 7 }, { status: 503, retryAfter: 6 }] });
    const times: number[] = [];
    for (let i = 0; i < 6; i++) times.push(await nextPoll(g));
    const st = (await g.inspect()).state;
    expect(st.poll).toMatchObject({ consecutiveFailures: 0, lastStatus: 200 });
    expect(gaps(times)[0]).toBe(7000);
    expect(gaps(times)[1]).toBe(6000);
    for (const gap of gaps(times)) expect(gap, `gaps ${gaps(times).join(", ")}`).toBeGreaterThanOrEqual(5000);
    // and it stays on its grid: the polls after the recovery are a period apart
    expect(gaps(times).slice(3)).toEqual([5000, 5000]);
  });

  it("a group whose members poll every 5 s and every 7 s never polls twice within 5 s", async () => {
    const id = uniq("sp");
    await script(id, { items: [] });
    const g = await register(uniq("poll"), src(id), "5s");
    await register(uniq("poll"), src(id), "7s");
    await onFakeClock(g);
    const times: number[] = [];
    for (let i = 0; i < 8; i++) times.push(await nextPoll(g));
    for (const gap of gaps(times)) expect(gap, `gaps ${gaps(times).join(", ")}`).toBeGreaterThanOrEqual(5000);
  });

  it("a member joining right after an off-grid retry does not pull the next poll closer than the period", async () => {
    const id = uniq("sp");
    await script(id, { items: [] });
    const g = await register(uniq("poll"), src(id), "10s");
    await onFakeClock(g);
    await script(id, { once: [{ status: 503, retryAfter: 13 }] });
    await nextPoll(g);
    const retried = await nextPoll(g); // 13 s later: 7 s before the 10 s grid's next slot
    await register(uniq("poll"), src(id), "5s"); // the group now polls every 5 s
    const next = (await g.inspect()).state.nextAt;
    expect(next - retried).toBeGreaterThanOrEqual(5000);
  });
});
