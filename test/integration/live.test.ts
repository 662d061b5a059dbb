/**
 * The live stream (GET …/events/live): SSE and WebSocket, backlog then new
 * events in order, none twice, resuming with Last-Event-ID, the type filter,
 * auth and tenant isolation before the stream starts, the ack window, the
 * hibernation path (cursors in socket attachments, pings answered by the
 * runtime) and a slow SSE client dropped past its buffer.
 */
import { describe, it, expect } from "vitest";
import { call, fetchWorker, uniq, triggerStub, inObject, KEYS } from "../helpers";
import { sseReader } from "../sse";
import { WINDOW } from "../../durable-objects/trigger/live";
import { restoreListeners } from "../../durable-objects/trigger/live-sockets";

const open = (name: string, opts: { key?: string; query?: string; headers?: Record<string, string> } = {}) =>
  fetchWorker(new Request(`http://signalbox.test/v1/triggers/${name}/events/live${opts.query ?? ""}`, { headers: { authorization: `Bearer ${opts.key ?? KEYS.acme}`, ...(opts.headers ?? {}) } }));

async function trigger() {
  const name = uniq("live");
  expect((await call("PUT", `/v1/triggers/${name}`, { type: "event" })).status).toBe(201);
  return name;
}

const fire = (name: string, data: unknown = {}) => call("POST", `/v1/triggers/${name}/fire`, { data });
const seqs = (evs: { id?: string }[]) => evs.map((e) => Number(e.id));

describe("live stream over SSE", () => {
  it("sends the stored events first, then each new one as it commits, in seq order, none twice", async () => {
    const name = await trigger();
    await fire(name, { n: 1 });
    const res = await open(name);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const sse = sseReader(res);
    const stored = await sse.until(2); // registration + the first fire
    expect(stored.map((e) => e.event)).toEqual(["trigger.registered", "trigger.fired"]);
    for (let i = 2; i <= 6; i++) await fire(name, { n: i });
    const all = await sse.until(7);
    expect(seqs(all)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const last = JSON.parse(all[6].data);
    expect(last).toMatchObject({ seq: 7, type: "trigger.fired", data: { payload: { n: 6 } } });
    expect(sse.comments).toContain("connected");
    await sse.cancel();
  });

  it("resumes after Last-Event-ID (which wins over after) and filters by type", async () => {
    const name = await trigger();
    for (let i = 0; i < 4; i++) await fire(name, { i });
    const resumed = sseReader(await open(name, { query: "?after=0", headers: { "last-event-id": "3" } }));
    expect(seqs(await resumed.until(2))).toEqual([4, 5]);
    await resumed.cancel();
    const filtered = sseReader(await open(name, { query: "?after=0&types=trigger.registered" }));
    await fire(name, { more: true });
    const f = await filtered.until(2, 800);
    expect(f.map((e) => e.event)).toEqual(["trigger.registered"]);
    await filtered.cancel();
  });

  it("refuses before the stream starts: 401, 403 without read, 404 unknown or another tenant's", async () => {
    const name = await trigger();
    expect((await fetchWorker(new Request(`http://signalbox.test/v1/triggers/${name}/events/live`))).status).toBe(401);
    const noRead = await open(name, { key: KEYS.acmeFire });
    expect(noRead.status).toBe(403);
    expect((await noRead.json() as any).error.code).toBeTruthy();
    expect((await open(uniq("nope"))).status).toBe(404);
    const other = await open(name, { key: KEYS.globex });
    expect(other.status).toBe(404);
    expect((await other.json() as any).error.code).toBe("not_found");
    expect((await open(name, { headers: { "last-event-id": "abc" } })).status).toBe(400);
  });

  it("a client that does not read is dropped past its buffer, and resumes with Last-Event-ID", async () => {
    const name = await trigger();
    const res = await open(name); // never read while the events pile up
    const big = "x".repeat(20_000);
    for (let i = 0; i < 8; i++) await call("POST", "/v1/events", { events: Array.from({ length: 10 }, (_, j) => ({ name, data: { i, j, big } })) });
    const sse = sseReader(res);
    const got = await sse.until(1_000, 3_000);
    expect(sse.ended()).toBe(true);
    expect(got.length).toBeLessThan(81);
    const lastSeen = got.length ? got[got.length - 1].id! : "0";
    const again = sseReader(await open(name, { headers: { "last-event-id": lastSeen } }));
    const rest = await again.until(81 - got.length);
    expect([...seqs(got), ...seqs(rest)]).toEqual(Array.from({ length: 81 }, (_, i) => i + 1));
    await again.cancel();
  });
});

describe("live stream over a WebSocket", () => {
  async function socket(name: string, query = "") {
    const res = await open(name, { query, headers: { upgrade: "websocket" } });
    expect(res.status).toBe(101);
    const ws = res.webSocket!;
    const msgs: string[] = [];
    ws.addEventListener("message", (m) => void msgs.push(m.data as string));
    ws.accept();
    const wait = async (n: number, ms = 3000) => {
      const end = Date.now() + ms;
      while (msgs.length < n && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
      return msgs;
    };
    return { ws, msgs, wait };
  }

  it("one JSON event per message; ping is answered with pong", async () => {
    const name = await trigger();
    const { ws, msgs, wait } = await socket(name);
    await fire(name, { a: 1 });
    await wait(2);
    expect(msgs.map((m) => JSON.parse(m).type)).toEqual(["trigger.registered", "trigger.fired"]);
    ws.send("ping");
    await wait(3);
    expect(msgs[2]).toBe("pong");
    ws.close();
  });

  it("the object is at most WINDOW events ahead of the listener's last ack", { timeout: 60_000 }, async () => {
    const name = await trigger();
    const total = WINDOW + 150;
    for (let i = 0; i < total; i += 100) await call("POST", "/v1/events", { events: Array.from({ length: Math.min(100, total - i) }, (_, j) => ({ name, data: { k: i + j } })) });
    const { ws, msgs, wait } = await socket(name);
    await wait(total + 1, 1500);
    expect(msgs.length).toBe(WINDOW);
    ws.send(JSON.stringify({ ack: WINDOW }));
    await wait(total + 1);
    expect(msgs.length).toBe(total + 1);
    expect(msgs.map((m) => JSON.parse(m).seq)).toEqual(Array.from({ length: total + 1 }, (_, i) => i + 1));
    ws.close();
  });

  it("a listener survives the object forgetting everything in memory (a wake from hibernation)", async () => {
    const name = await trigger();
    const { ws, msgs, wait } = await socket(name);
    await wait(1);
    await inObject(triggerStub("acme", name), (o: any) => {
      o.core.onEventsCommitted = undefined;
      o.core.recentEvents = [];
      restoreListeners(o);
    });
    await fire(name, { after: "wake" });
    await wait(2);
    expect(msgs.map((m) => JSON.parse(m).seq)).toEqual([1, 2]);
    ws.close();
  });
});
