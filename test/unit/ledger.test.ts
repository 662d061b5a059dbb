/** The delivery ledger against an in-memory store and queue: hand-over, retries, probes and recovery. */
import { describe, it, expect } from "vitest";
import { Ledger, PROBE_AFTER_MS, LOST_GRACE_MS, SEND_RETRY_MS, IN_FLIGHT_WINDOW, type LedgerRow, type LedgerStore } from "../../durable-objects/ledger/ledger";
import type { DeliveryMessage } from "../../src/contracts/messages";

type Harness = ReturnType<typeof harness>;

function harness(rows: LedgerRow[] = []) {
  const state = { now: 1_000_000, failSends: 0 };
  const store = new Map(rows.map((r) => [r.id, { ...r }]));
  const sent: DeliveryMessage[] = [];
  const queue = {
    async sendBatch(batch: { body: DeliveryMessage }[]) {
      if (state.failSends > 0) (state.failSends--, (() => { throw new Error("queue down"); })());
      sent.push(...batch.map((b) => b.body));
    },
    async send(body: DeliveryMessage) {
      if (state.failSends > 0) (state.failSends--, (() => { throw new Error("queue down"); })());
      sent.push(body);
    },
  };
  const ledgerStore: LedgerStore = {
    openRows: () => [...store.values()].filter((r) => r.status === "queued"),
    row: (id) => store.get(id) ?? null,
    message: (r, attempt) => ({ t: "acme", n: "t", d: r.id, a: attempt, f: "flow", v: 1, b: { id: r.id } }),
    policy: () => ({ maxAttempts: 3, initialBackoffSeconds: 10, maxBackoffSeconds: 60 }),
    write: (r, attempt, decision, _result, at) => {
      const row = store.get(r.id)!;
      row.attempts = attempt;
      if (decision.status === "retry") row.nextAttemptAt = at + decision.delaySeconds * 1000;
      else row.status = decision.status;
    },
  };
  const make = () => new Ledger({ now: () => state.now, tx: (fn) => fn(), queue: () => queue as any, probe: (id) => ({ t: "acme", n: "t", d: id, a: 0, p: 1 }) }, ledgerStore);
  const add = (ledger: Ledger, id: string) => {
    store.set(id, { id, status: "queued", attempts: 0, nextAttemptAt: state.now, timeoutMs: 1_000 });
    ledger.track(id, state.now, 1_000);
  };
  return { state, store, sent, make, add, deliveries: () => sent.filter((m) => !m.p), probes: () => sent.filter((m) => m.p) };
}

const ok = { statusCode: 200, error: null, retryAfterSeconds: null };
const down = { statusCode: 503, error: "HTTP 503", retryAfterSeconds: null };

async function handOverAll(h: Harness, ledger: Ledger, ids: string[]) {
  for (const id of ids) h.add(ledger, id);
  const before = h.deliveries().length;
  await ledger.handOver();
  expect(h.deliveries().length - before).toBe(ids.length);
}

describe("hand-over", () => {
  it("sends what is due once, and a failed send again after a pause", async () => {
    const h = harness();
    const ledger = h.make();
    h.state.failSends = 1;
    h.add(ledger, "d1");
    await ledger.handOver();
    expect(ledger.isHanded("d1")).toBe(false);
    expect(ledger.nextDue()).toBe(h.state.now + SEND_RETRY_MS);
    await ledger.handOver(); // not due yet
    expect(h.deliveries()).toHaveLength(0);
    h.state.now += SEND_RETRY_MS;
    await ledger.handOver();
    await ledger.handOver(); // handed: never sent twice
    expect(h.deliveries().map((m) => [m.d, m.a])).toEqual([["d1", 1]]);
    expect(ledger.isHanded("d1")).toBe(true);
  });
});

describe("one pass for concurrent callers", () => {
  it("fires arriving during a send share the next one", async () => {
    const h = harness();
    const ledger = h.make();
    h.add(ledger, "a");
    const first = ledger.handOver();
    h.add(ledger, "b");
    h.add(ledger, "c");
    const second = ledger.handOver();
    await Promise.all([first, second]);
    expect(h.deliveries().map((m) => m.d)).toEqual(["a", "b", "c"]);
  });
});

describe("flow control", () => {
  it("at most IN_FLIGHT_WINDOW deliveries are in the queue; the rest go as outcomes come back", async () => {
    const h = harness();
    const ledger = h.make();
    const ids = Array.from({ length: IN_FLIGHT_WINDOW + 250 }, (_, i) => `w${i}`);
    for (const id of ids) h.add(ledger, id);
    await ledger.handOver();
    await ledger.handOver();
    expect(h.deliveries()).toHaveLength(IN_FLIGHT_WINDOW);
    expect(ledger.nextDue()).toBe(h.state.now + PROBE_AFTER_MS); // no busy alarm while the window is full
    ledger.recordOutcomes(ids.slice(0, 100).map((id) => ({ id, attempt: 1, result: ok })));
    await ledger.handOver();
    expect(h.deliveries()).toHaveLength(IN_FLIGHT_WINDOW + 100);
  });
});

describe("outcomes and retries", () => {
  it("a success settles; a retryable failure is handed over again when due, as the next attempt", async () => {
    const h = harness();
    const ledger = h.make();
    await handOverAll(h, ledger, ["a", "b"]);
    expect(ledger.recordOutcomes([{ id: "a", attempt: 1, result: ok }, { id: "b", attempt: 1, result: down }], () => 0)).toEqual(["recorded", "recorded"]);
    expect(ledger.size).toBe(1);
    expect(ledger.nextDue()).toBe(h.state.now + 5_000); // 10 s backoff, half of it jittered away by random 0
    await ledger.handOver();
    expect(h.deliveries()).toHaveLength(2);
    h.state.now += 5_000;
    await ledger.handOver();
    expect(h.deliveries().map((m) => [m.d, m.a])).toEqual([["a", 1], ["b", 1], ["b", 2]]);
  });

  it("a repeated or stale outcome changes nothing", async () => {
    const h = harness();
    const ledger = h.make();
    await handOverAll(h, ledger, ["a"]);
    expect(ledger.recordOutcomes([{ id: "a", attempt: 1, result: ok }])).toEqual(["recorded"]);
    expect(ledger.recordOutcomes([{ id: "a", attempt: 1, result: ok }, { id: "nope", attempt: 1, result: ok }])).toEqual(["stale", "stale"]);
  });
});

describe("probes", () => {
  it("handed deliveries unsettled for a while bring a probe; when it returns, only those still open are sent again", async () => {
    const h = harness();
    const ledger = h.make();
    await handOverAll(h, ledger, ["lost", "slow", "fine"]);
    h.state.now += PROBE_AFTER_MS - 1;
    await ledger.tick();
    expect(h.probes()).toHaveLength(0);
    h.state.now += 1;
    await ledger.tick();
    expect(h.probes()).toHaveLength(1);
    await ledger.tick();
    expect(h.probes()).toHaveLength(1); // one probe in flight at a time
    ledger.recordOutcomes([{ id: "fine", attempt: 1, result: ok }]);
    h.add(ledger, "later");
    await ledger.handOver(); // handed after the probe: not judged by it
    ledger.probeReturned(h.probes()[0].d);
    ledger.recordOutcomes([{ id: "slow", attempt: 1, result: ok }]); // its attempt was still running
    h.state.now += 1_000 + LOST_GRACE_MS - 1;
    await ledger.tick();
    expect(ledger.resentLost).toBe(0);
    h.state.now += 1;
    await ledger.tick();
    expect(ledger.resentLost).toBe(1);
    expect(h.deliveries().map((m) => m.d)).toEqual(["lost", "slow", "fine", "later", "lost"]);
  });

  it("a backlog that drains before the probe returns is never sent twice", async () => {
    const h = harness();
    const ledger = h.make();
    const ids = Array.from({ length: 300 }, (_, i) => `d${i}`);
    await handOverAll(h, ledger, ids);
    h.state.now += PROBE_AFTER_MS;
    await ledger.tick(); // the probe goes behind the backlog
    h.state.now += 50_000; // the queue works through the backlog
    ledger.recordOutcomes(ids.map((id) => ({ id, attempt: 1, result: ok })));
    ledger.probeReturned(h.probes()[0].d);
    h.state.now += 60_000;
    await ledger.tick();
    expect(ledger.resentLost).toBe(0);
    expect(h.deliveries()).toHaveLength(300);
    expect(ledger.nextDue()).toBeNull();
  });

  it("a probe that never returns is given up and another one sent, without a busy alarm meanwhile", async () => {
    const h = harness();
    const ledger = h.make();
    await handOverAll(h, ledger, ["a"]);
    h.state.now += PROBE_AFTER_MS;
    await ledger.tick();
    expect(ledger.nextDue()).toBeGreaterThan(h.state.now); // waiting for the probe, not spinning
    h.state.now += 60_001;
    await ledger.tick();
    expect(h.probes()).toHaveLength(2);
  });
});

describe("after a restart", () => {
  it("what may have been handed is probed at once and re-sent if the queue lost it; a future retry waits until due", async () => {
    const h = harness([
      { id: "was-handed", status: "queued", attempts: 0, nextAttemptAt: 999_000, timeoutMs: 1_000 },
      { id: "retry-later", status: "queued", attempts: 1, nextAttemptAt: 1_030_000, timeoutMs: 1_000 },
      { id: "settled", status: "delivered", attempts: 1, nextAttemptAt: null, timeoutMs: 1_000 },
    ]);
    const ledger = h.make();
    expect(ledger.size).toBe(2);
    await ledger.tick();
    expect(h.probes()).toHaveLength(1);
    expect(h.deliveries()).toHaveLength(0);
    ledger.probeReturned(h.probes()[0].d);
    h.state.now += 1_000 + LOST_GRACE_MS;
    await ledger.tick();
    expect(h.deliveries().map((m) => [m.d, m.a])).toEqual([["was-handed", 1]]);
    h.state.now = 1_030_000;
    await ledger.tick();
    expect(h.deliveries().map((m) => [m.d, m.a])).toEqual([["was-handed", 1], ["retry-later", 2]]);
  });
});
