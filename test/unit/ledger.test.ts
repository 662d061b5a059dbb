/**
 * The delivery ledger against an in-memory store and two in-memory queues:
 * lanes and their in-flight cap, first attempts in key order, due retries,
 * the breaker and its probes, Retry-After holds, the fast/slow queues,
 * barriers after a restart, and the window that keeps a backlog out of memory.
 */
import { describe, it, expect } from "vitest";
import { Ledger } from "../../durable-objects/ledger/ledger";
import { PROBE_AFTER_MS, LOST_GRACE_MS } from "../../durable-objects/ledger/barriers";
import { SEND_RETRY_MS } from "../../durable-objects/ledger/hand-over";
import type { LedgerRow, LedgerStore } from "../../durable-objects/ledger/types";
import { FAST_QUEUES, type QueueName } from "../../durable-objects/ledger/types";
import { SEND_CONCURRENCY } from "../../src/contracts/limits";
import { DEFAULT_BREAKER, DEFAULT_IN_FLIGHT, type LaneEvent, type LaneState } from "../../src/domain/delivery-lane";
import type { DeliveryMessage, DeliveryPack } from "../../src/contracts/messages";
import type { AttemptResult } from "../../src/contracts/rpc";

type Row = LedgerRow;
type Harness = ReturnType<typeof harness>;

function harness(opts: { lanes?: string[]; gone?: string[]; body?: (id: string) => unknown } = {}) {
  const state = { now: 1_000_000, failSends: 0, freshReads: 0, maxFreshLimit: 0 };
  const rows = new Map<string, Row>();
  const laneStates = new Map<string, LaneState>();
  const events: { lane: string; e: LaneEvent }[] = [];
  const sent: { q: QueueName; m: DeliveryMessage }[] = [];
  const batches: { count: number; chars: number }[] = [];
  const messages: (DeliveryMessage | DeliveryPack)[] = [];
  const probeFailures: string[] = [];
  const queue = (q: QueueName) => ({
    async sendBatch(batch: { body: DeliveryMessage | DeliveryPack }[]) {
      if (state.failSends > 0) (state.failSends--, (() => { throw new Error("queue down"); })());
      // a pack's deliveries are counted one by one, as the consumer opens it
      sent.push(...batch.flatMap((b) => ("pk" in b.body ? b.body.pk : [b.body]).map((m) => ({ q, m }))));
      messages.push(...batch.map((b) => b.body));
      batches.push({ count: batch.length, chars: batch.reduce((n, b) => n + JSON.stringify(b.body).length, 0) });
    },
    async send(body: DeliveryMessage) {
      if (state.failSends > 0) (state.failSends--, (() => { throw new Error("queue down"); })());
      sent.push({ q, m: body });
    },
  });
  const cmp = (a: Row["key"], b: Row["key"]) => a[0] - b[0] || a[1] - b[1];
  const store: LedgerStore = {
    lanes: () => [
      ...(opts.lanes ?? ["flow"]).map((lane) => ({ lane, cap: DEFAULT_IN_FLIGHT, breaker: DEFAULT_BREAKER })),
      ...(opts.gone ?? []).map((lane) => ({ lane, cap: DEFAULT_IN_FLIGHT, breaker: null, gone: true })),
    ],
    fresh(after, lanes, limit) {
      state.freshReads++;
      state.maxFreshLimit = Math.max(state.maxFreshLimit, limit);
      return [...rows.values()]
        .filter((r) => r.status === "queued" && r.attempts === 0 && lanes.includes(r.lane) && (after === null || cmp(r.key, after) > 0))
        .sort((a, b) => cmp(a.key, b.key)).slice(0, limit).map((r) => ({ ...r }));
    },
    dueRetries: (lane, now, limit) =>
      [...rows.values()].filter((r) => r.lane === lane && r.status === "queued" && r.attempts > 0 && r.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt).slice(0, limit).map((r) => ({ ...r })),
    timeoutOf: () => 1_000,
    nextRetryAt: (lane, now) => {
      const t = [...rows.values()].filter((r) => r.lane === lane && r.status === "queued" && r.attempts > 0 && r.dueAt > now).map((r) => r.dueAt);
      return t.length ? Math.min(...t) : null;
    },
    row: (id) => (rows.has(id) ? { ...rows.get(id)! } : null),
    message: (r, attempt) => ({ t: "acme", n: "t", d: r.id, a: attempt, f: r.lane, v: 1, b: opts.body?.(r.id) ?? { id: r.id } }),
    policy: () => ({ maxAttempts: 3, initialBackoffSeconds: 10, maxBackoffSeconds: 60 }),
    write: (r, attempt, decision, _result, at) => {
      const row = rows.get(r.id)!;
      row.attempts = decision.status === "skipped" ? row.attempts : attempt;
      if (decision.status === "retry") row.dueAt = at + decision.delaySeconds * 1000;
      else row.status = decision.status;
    },
    writeProbeFailure: (r) => void probeFailures.push(r.id),
    loadLane: (lane) => laneStates.get(lane) ?? null,
    saveLane: (lane, s, evs) => {
      laneStates.set(lane, s);
      for (const e of evs) events.push({ lane, e });
    },
  };
  let seq = 0;
  const make = () => new Ledger({ now: () => state.now, tx: (fn) => fn(), queue: (q) => queue(q) as any, probe: (id) => ({ t: "acme", n: "t", d: id, a: 0, p: 1 }) }, store);
  const add = (ledger: Ledger | null, id: string, lane = "flow") => {
    const key = [++seq, 0] as const;
    rows.set(id, { id, lane, key, status: "queued", attempts: 0, dueAt: state.now, timeoutMs: 1_000 });
    ledger?.track(lane, key, id, state.now);
  };
  const deliveries = () => sent.filter((s) => !s.m.p);
  return { state, rows, laneStates, events, sent, batches, messages, probeFailures, make, add, deliveries, ids: () => deliveries().map((s) => s.m.d), probes: () => sent.filter((s) => s.m.p) };
}

const ok: AttemptResult = { statusCode: 200, error: null, retryAfterSeconds: null, ms: 5 };
const down: AttemptResult = { statusCode: 503, error: "HTTP 503", retryAfterSeconds: null, ms: 5 };

function addMany(h: Harness, ledger: Ledger | null, n: number, prefix = "d", lane = "flow"): string[] {
  const ids = Array.from({ length: n }, (_, i) => `${prefix}${i}`);
  for (const id of ids) h.add(ledger, id, lane);
  return ids;
}

const outcomes = (ledger: Ledger, ids: string[], result: AttemptResult, attempt = 1) => ledger.recordOutcomes(ids.map((id) => ({ id, attempt, result })), () => 0);

describe("hand-over within a lane's room", () => {
  it("sends first attempts in key order, at most the lane's cap at a time; outcomes free room for the next", async () => {
    const h = harness();
    const ledger = h.make();
    const ids = addMany(h, ledger, DEFAULT_IN_FLIGHT + 10);
    await ledger.handOver();
    await ledger.handOver();
    expect(h.ids()).toEqual(ids.slice(0, DEFAULT_IN_FLIGHT));
    expect(h.deliveries().every((s) => s.q !== "slow" && s.m.a === 1)).toBe(true);
    outcomes(ledger, ids.slice(0, 5), ok);
    await ledger.handOver();
    expect(h.ids()).toEqual(ids.slice(0, DEFAULT_IN_FLIGHT + 5));
  });

  it("one lane's full window never holds up another lane", async () => {
    const h = harness({ lanes: ["busy", "quiet"] });
    const ledger = h.make();
    addMany(h, ledger, 100, "b", "busy");
    h.add(ledger, "q0", "quiet");
    await ledger.handOver();
    expect(h.ids()).toContain("q0");
    expect(h.ids().filter((id) => id.startsWith("b"))).toHaveLength(DEFAULT_IN_FLIGHT);
  });

  it("a failed send puts its deliveries back, due again after a pause; never sent twice", async () => {
    const h = harness();
    const ledger = h.make();
    h.state.failSends = 1;
    h.add(ledger, "d1");
    await ledger.handOver();
    expect(ledger.isHanded("d1")).toBe(false);
    expect(ledger.nextDue()).toBe(h.state.now + SEND_RETRY_MS);
    h.state.now += SEND_RETRY_MS;
    await ledger.tick();
    await ledger.handOver();
    expect(h.deliveries().map((s) => [s.m.d, s.m.a])).toEqual([["d1", 1]]);
    expect(ledger.isHanded("d1")).toBe(true);
  });

  it("concurrent callers never hand one delivery twice", async () => {
    const h = harness();
    const ledger = h.make();
    h.add(ledger, "a");
    const first = ledger.handOver();
    h.add(ledger, "b");
    const second = ledger.handOver();
    await Promise.all([first, second]);
    expect(h.ids().sort()).toEqual(["a", "b"]);
  });

  it("a replayed delivery behind the cursor is found again", async () => {
    const h = harness();
    const ledger = h.make();
    addMany(h, ledger, 3);
    await ledger.handOver();
    outcomes(ledger, ["d0", "d1", "d2"], ok);
    h.rows.set("replay", { id: "replay", lane: "flow", key: [1, 5], status: "queued", attempts: 0, dueAt: h.state.now, timeoutMs: 1_000 });
    ledger.track("flow", [1, 5], "replay", h.state.now);
    await ledger.handOver();
    expect(h.ids()).toEqual(["d0", "d1", "d2", "replay"]);
  });
});

describe("the known tail", () => {
  it("once a scan reached the end, new deliveries are handed over without reading the store; a rewind reads again", async () => {
    const h = harness();
    const ledger = h.make();
    addMany(h, ledger, 2);
    await ledger.handOver(); // the first pass scans (nothing known after a start)
    const reads = h.state.freshReads;
    h.add(ledger, "n1");
    h.add(ledger, "n2");
    await ledger.handOver();
    expect(h.ids()).toEqual(["d0", "d1", "n1", "n2"]);
    expect(h.state.freshReads).toBe(reads);
    outcomes(ledger, ["n1"], { statusCode: null, error: null, retryAfterSeconds: null, deferred: "slow" }); // back to waiting: the tail is unknown
    await ledger.handOver();
    expect(h.state.freshReads).toBe(reads + 1);
    expect(h.ids()).toEqual(["d0", "d1", "n1", "n2", "n1"]);
  });
});

describe("a backlog stays in the store", () => {
  it("with 10,000 queued the ledger holds at most its cap and reads pages, not the backlog", async () => {
    const h = harness();
    addMany(h, null, 10_000);
    const ledger = h.make();
    await ledger.handOver();
    expect(h.deliveries()).toHaveLength(DEFAULT_IN_FLIGHT);
    expect(h.state.maxFreshLimit).toBeLessThanOrEqual(500);
    for (let i = 0; i < 5; i++) {
      const inFlight = h.deliveries().slice(-DEFAULT_IN_FLIGHT).map((s) => s.m.d);
      outcomes(ledger, inFlight.filter((id) => h.rows.get(id)!.status === "queued"), ok);
      await ledger.handOver();
    }
    expect(h.deliveries()).toHaveLength(DEFAULT_IN_FLIGHT * 6);
  });
});

describe("retries", () => {
  it("a retryable failure goes back to the store and is handed again when due, through the slow queue", async () => {
    const h = harness();
    const ledger = h.make();
    addMany(h, ledger, 2);
    await ledger.handOver();
    expect(outcomes(ledger, ["d0"], ok)).toEqual(["recorded"]);
    outcomes(ledger, ["d1"], down);
    expect(ledger.nextDue()).toBe(h.state.now + 5_000); // 10 s backoff, half of it jittered away by random 0
    await ledger.handOver();
    expect(h.deliveries()).toHaveLength(2);
    h.state.now += 5_000;
    await ledger.tick();
    const shard = h.deliveries()[0].q; // the two first attempts left together, on one fast shard
    expect(shard).not.toBe("slow");
    expect(h.deliveries().map((s) => [s.m.d, s.m.a, s.q])).toEqual([["d0", 1, shard], ["d1", 1, shard], ["d1", 2, "slow"]]);
  });

  it("a repeated or stale outcome changes nothing", async () => {
    const h = harness();
    const ledger = h.make();
    h.add(ledger, "a");
    await ledger.handOver();
    expect(outcomes(ledger, ["a"], ok)).toEqual(["recorded"]);
    expect(outcomes(ledger, ["a", "nope"], ok)).toEqual(["stale", "stale"]);
  });
});

describe("the breaker", () => {
  async function openIt(h: Harness, ledger: Ledger) {
    const ids = addMany(h, ledger, DEFAULT_IN_FLIGHT + 28);
    await ledger.handOver();
    outcomes(ledger, ids.slice(0, DEFAULT_BREAKER.failureThreshold), down);
    return ids;
  }

  it("opens after 20 consecutive failures: nothing more is handed, waiting deliveries keep their attempts", async () => {
    const h = harness();
    const ledger = h.make();
    const ids = await openIt(h, ledger);
    expect(h.events.map((x) => x.e.type)).toEqual(["breaker_opened"]);
    expect(ledger.laneView("flow")).toMatchObject({ breaker: "open", breakerOpenedAt: h.state.now });
    const before = h.deliveries().length;
    outcomes(ledger, ids.slice(20, DEFAULT_IN_FLIGHT), down); // the rest of the first window come back failed too
    h.state.now += 20_000;
    await ledger.tick();
    expect(h.deliveries().length).toBe(before); // no retries, no new first attempts while open
    expect(ids.slice(DEFAULT_IN_FLIGHT).every((id) => h.rows.get(id)!.attempts === 0)).toBe(true);
  });

  it("lets one probe through per cooldown; a failed probe does not count an attempt and re-opens it", async () => {
    const h = harness();
    const ledger = h.make();
    const ids = await openIt(h, ledger);
    outcomes(ledger, ids.slice(20, DEFAULT_IN_FLIGHT), down); // nothing else in flight
    const openedAt = h.state.now;
    h.state.now = openedAt + DEFAULT_BREAKER.cooldownSeconds * 1000 - 1;
    expect(ledger.nextDue()).toBe(openedAt + DEFAULT_BREAKER.cooldownSeconds * 1000);
    await ledger.tick();
    const before = h.deliveries().length;
    h.state.now += 1;
    await ledger.tick();
    await ledger.tick();
    const probes = h.deliveries().slice(before);
    expect(probes).toHaveLength(1);
    expect(probes[0].q).toBe("slow");
    expect(ledger.laneView("flow").breaker).toBe("half_open");
    const probe = probes[0].m;
    const attemptsBefore = h.rows.get(probe.d)!.attempts;
    outcomes(ledger, [probe.d], down, probe.a);
    expect(h.probeFailures).toEqual([probe.d]);
    expect(h.rows.get(probe.d)!.attempts).toBe(attemptsBefore);
    expect(ledger.laneView("flow")).toMatchObject({ breaker: "open", breakerOpenedAt: h.state.now });
  });

  it("a 2xx closes it and the backlog drains within the lane's room", async () => {
    const h = harness();
    const ledger = h.make();
    await openIt(h, ledger);
    h.state.now += DEFAULT_BREAKER.cooldownSeconds * 1000;
    await ledger.tick();
    const probe = h.deliveries().at(-1)!.m;
    const n = h.deliveries().length;
    outcomes(ledger, [probe.d], ok, probe.a);
    expect(h.events.map((x) => x.e.type)).toEqual(["breaker_opened", "breaker_closed"]);
    await ledger.handOver();
    expect(h.deliveries().length - n).toBeGreaterThan(0);
    expect(ledger.laneView("flow").breaker).toBe("closed");
  });
});

describe("Retry-After", () => {
  it("a 429 or 503 with Retry-After holds the whole lane until then", async () => {
    const h = harness();
    const ledger = h.make();
    const ids = addMany(h, ledger, DEFAULT_IN_FLIGHT + 8);
    await ledger.handOver();
    outcomes(ledger, [ids[0]], { statusCode: 429, error: "HTTP 429", retryAfterSeconds: 30, ms: 3 });
    expect(h.events.map((x) => x.e)).toEqual([{ type: "held", until: h.state.now + 30_000 }]);
    outcomes(ledger, ids.slice(1, 10), ok);
    await ledger.handOver();
    expect(h.deliveries()).toHaveLength(DEFAULT_IN_FLIGHT); // room, but held
    expect(ledger.laneView("flow").heldUntil).toBe(h.state.now + 30_000);
    expect(ledger.nextDue()).toBeLessThanOrEqual(h.state.now + 30_000);
    h.state.now += 30_000;
    await ledger.tick();
    expect(h.deliveries().length).toBeGreaterThan(DEFAULT_IN_FLIGHT);
  });
});

describe("fast and slow queues", () => {
  it("a lane the fast queue gives up on is not charged an attempt and moves to the slow queue", async () => {
    const h = harness();
    const ledger = h.make();
    addMany(h, ledger, 3);
    await ledger.handOver();
    expect(outcomes(ledger, ["d0", "d1", "d2"], { statusCode: null, error: null, retryAfterSeconds: null, deferred: "slow", ms: 1000 })).toEqual(["recorded", "recorded", "recorded"]);
    expect(h.rows.get("d0")!.attempts).toBe(0);
    expect(h.laneStates.get("flow")!.standing).toBe("slow");
    await ledger.handOver();
    expect(h.deliveries().slice(3).map((s) => [s.m.d, s.m.a, s.q])).toEqual([["d0", 1, "slow"], ["d1", 1, "slow"], ["d2", 1, "slow"]]);
  });

  it("a slow lane that answers fast again comes back to the fast queue", async () => {
    const h = harness();
    h.laneStates.set("flow", { breaker: "closed", failures: 0, openedAt: null, heldUntil: null, standing: "slow" });
    const ledger = h.make();
    const ids = addMany(h, ledger, 5);
    await ledger.handOver();
    expect(h.deliveries().every((s) => s.q === "slow")).toBe(true);
    outcomes(ledger, ids.slice(0, 4), { ...ok, ms: 20 });
    expect(h.laneStates.get("flow")!.standing).toBe("fast");
    h.add(ledger, "next");
    await ledger.handOver();
    expect(h.deliveries().at(-1)).toMatchObject({ m: { d: "next" } });
    expect(h.deliveries().at(-1)!.q).not.toBe("slow");
  });
});

describe("barriers and restarts", () => {
  it("handed deliveries unsettled for a while bring a barrier; when it returns, only those still open are sent again", async () => {
    const h = harness();
    const ledger = h.make();
    addMany(h, ledger, 3);
    await ledger.handOver();
    h.state.now += PROBE_AFTER_MS;
    await ledger.tick();
    expect(h.probes().map((p) => p.q)).toEqual([h.deliveries()[0].q]); // the shard the three took together
    outcomes(ledger, ["d2"], ok);
    ledger.probeReturned(h.probes()[0].m.d);
    outcomes(ledger, ["d1"], ok); // its attempt was still running
    h.state.now += 1_000 + LOST_GRACE_MS;
    await ledger.tick();
    expect(ledger.resentLost).toBe(1);
    expect(h.ids()).toEqual(["d0", "d1", "d2", "d0"]);
  });

  it("after a restart, what may have been in flight (at most the cap per lane) waits for a barrier through the queue it took", async () => {
    const h = harness();
    const ids = addMany(h, null, DEFAULT_IN_FLIGHT + 40);
    h.rows.get(ids[DEFAULT_IN_FLIGHT + 20])!.attempts = 1; // a retry due later: it cannot have been handed
    h.rows.get(ids[DEFAULT_IN_FLIGHT + 20])!.dueAt = h.state.now + 60_000;
    h.state.now += 1; // the restart comes after they were written
    const ledger = h.make();
    await ledger.tick();
    expect(h.probes().map((p) => p.q)).toEqual([...FAST_QUEUES]); // a fast lane's first attempts only ever took the fast queue's shards
    expect(h.deliveries()).toHaveLength(0); // the cap is full of deliveries in doubt
    for (const p of h.probes().slice(0, -1)) ledger.probeReturned(p.m.d);
    h.state.now += 1_000 + LOST_GRACE_MS;
    await ledger.tick();
    expect(h.deliveries()).toHaveLength(0); // one shard's barrier is still out
    ledger.probeReturned(h.probes().at(-1)!.m.d);
    h.state.now += 1_000 + LOST_GRACE_MS - 1;
    await ledger.tick();
    expect(h.deliveries()).toHaveLength(0);
    h.state.now += 1;
    await ledger.tick();
    expect(h.ids()).toEqual(ids.slice(0, DEFAULT_IN_FLIGHT));
  });

  it("a slow lane's first attempts and due retries wait for both queues' barriers", async () => {
    const h = harness();
    h.laneStates.set("flow", { breaker: "closed", failures: 0, openedAt: null, heldUntil: null, standing: "slow" });
    const ids = addMany(h, null, 3);
    h.rows.get(ids[2])!.attempts = 1; // a retry that was due: slow queue only
    h.state.now += 1;
    const ledger = h.make();
    await ledger.tick();
    expect(h.probes().map((p) => p.q).sort()).toEqual([...FAST_QUEUES, "slow"]);
    ledger.probeReturned(h.probes().find((p) => p.q === "slow")!.m.d);
    h.state.now += 1_000 + LOST_GRACE_MS;
    await ledger.tick();
    expect(h.ids()).toEqual([ids[2]]); // the retry only needed the slow queue's barrier
    for (const p of h.probes().filter((x) => x.q !== "slow")) ledger.probeReturned(p.m.d);
    h.state.now += 1_000 + LOST_GRACE_MS;
    await ledger.tick();
    expect(h.ids().sort()).toEqual([ids[2], ids[0], ids[1]].sort());
  });
});

describe("a gone lane", () => {
  it("skips what its unsubscribed flow still has queued, without sending it", async () => {
    const h = harness({ lanes: [], gone: ["old"] });
    addMany(h, null, 5, "o", "old");
    const ledger = h.make();
    await ledger.handOver();
    expect(h.deliveries()).toHaveLength(0);
    expect([...h.rows.values()].every((r) => r.status === "skipped")).toBe(true);
  });
});

describe("the queue's limits", () => {
  it("a hand-over is split into sends of at most 100 messages and 200 KB; a message over 120 KB leaves without its body", async () => {
    const h = harness({ body: (id) => (id.startsWith("w") ? { id, text: "é€".repeat(35_000) } : { id, pad: "x".repeat(12_000) }) });
    const ledger = h.make();
    const ids = addMany(h, ledger, DEFAULT_IN_FLIGHT);
    await ledger.handOver();
    expect(h.ids()).toEqual(ids);
    expect(h.batches.length).toBeGreaterThan(1);
    for (const b of h.batches) expect(b.count <= 100 && b.chars <= 200_000).toBe(true);
    await outcomes(ledger, ids, ok);
    const wide = addMany(h, ledger, 2, "w");
    await ledger.handOver();
    const sentWide = h.deliveries().filter((s) => wide.includes(s.m.d));
    expect(sentWide).toHaveLength(2);
    for (const s of sentWide) expect(s.m.b).toBeUndefined();
  });
});

describe("packs", () => {
  it("a lane's hand-over to one queue is one message; each lane gets its own", async () => {
    const h = harness({ lanes: ["a", "b"] });
    const ledger = h.make();
    const a = addMany(h, ledger, 3, "a", "a");
    const b = addMany(h, ledger, 2, "b", "b");
    await ledger.handOver();
    expect(h.ids().sort()).toEqual([...a, ...b].sort());
    expect(h.messages).toHaveLength(2);
    const packs = h.messages.map((m) => ("pk" in m ? m.pk.map((x) => x.d) : [m.d]));
    expect(packs.sort((x, y) => y.length - x.length)).toEqual([a, b]);
    expect(ledger.messagesSent).toBe(2);
    // a lone delivery goes as itself
    await outcomes(ledger, [...a, ...b], ok);
    h.add(ledger, "solo", "a");
    await ledger.handOver();
    expect(h.messages.at(-1)).toMatchObject({ d: "solo" });
  });
});

/** Hands over `n` deliveries one at a time, each in a hand-over of its own (a trickle of fires). */
async function trickle(h: Harness, ledger: Ledger, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    h.add(ledger, `t${i}`);
    await ledger.handOver();
  }
}

describe("the fast queue's shards", () => {
  it("a burst spreads over the shards in runs of a consumer invocation's worth or more; each run is one pack", async () => {
    const h = harness();
    const ledger = h.make();
    const ids = addMany(h, ledger, 20);
    await ledger.handOver();
    const byShard = new Map<QueueName, string[]>();
    for (const s of h.deliveries()) byShard.set(s.q, [...(byShard.get(s.q) ?? []), s.m.d]);
    // 20 deliveries: four shards (20 / 6 rounded up), in consecutive runs of 5, each one message
    expect(new Set(byShard.keys())).toEqual(new Set(FAST_QUEUES));
    expect([...byShard.values()]).toEqual([ids.slice(0, 5), ids.slice(5, 10), ids.slice(10, 15), ids.slice(15)]);
    expect(h.messages).toHaveLength(4);
    // a hand-over of one invocation's worth takes one shard
    await outcomes(ledger, ids, ok);
    const six = addMany(h, ledger, SEND_CONCURRENCY, "s");
    await ledger.handOver();
    expect(new Set(h.deliveries().filter((s) => six.includes(s.m.d)).map((s) => s.q)).size).toBe(1);
  });

  it("a trickle takes the shards in turns; retries still take the slow queue", async () => {
    const h = harness();
    const ledger = h.make();
    await trickle(h, ledger, 6);
    const first = FAST_QUEUES.indexOf(h.deliveries()[0].q as (typeof FAST_QUEUES)[number]);
    expect(h.deliveries().map((s) => s.q)).toEqual([0, 1, 2, 3, 4, 5].map((i) => FAST_QUEUES[(first + i) % FAST_QUEUES.length]));
    await outcomes(ledger, ["t0"], down);
    h.state.now += 60_000;
    await ledger.handOver();
    expect(h.deliveries().at(-1)).toMatchObject({ q: "slow", m: { d: "t0", a: 2 } });
  });

  it("a message lost in one shard is found by that shard's barrier and sent again once", async () => {
    const h = harness();
    const ledger = h.make();
    await trickle(h, ledger, 2);
    const [first, second] = h.deliveries();
    expect(first.q).not.toBe(second.q);
    await outcomes(ledger, ["t1"], ok); // t0 was lost in its shard
    h.state.now += PROBE_AFTER_MS;
    await ledger.tick();
    expect(h.probes().map((p) => p.q)).toEqual([first.q]);
    ledger.probeReturned(h.probes()[0].m.d);
    h.state.now += 1_000 + LOST_GRACE_MS;
    await ledger.tick();
    expect(ledger.resentLost).toBe(1);
    expect(h.ids()).toEqual(["t0", "t1", "t0"]);
  });

  it("objects that each hand over one delivery do not all start at the same shard", async () => {
    const shards = new Set<QueueName>();
    for (let i = 0; i < 40; i++) {
      const h = harness();
      const ledger = h.make();
      h.add(ledger, "only");
      await ledger.handOver();
      shards.add(h.deliveries()[0].q);
    }
    // 40 objects starting at the same shard would use one; at random, all four but with odds of 4 × (3/4)^40 < 1e-4
    expect(shards.size).toBe(FAST_QUEUES.length);
  });
});
