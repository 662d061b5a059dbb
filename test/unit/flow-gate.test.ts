/** A flow's gate: rate and concurrency across triggers, older asks first, the flow-wide breaker and hold, pause, leases, checkpoints. */
import { describe, it, expect } from "vitest";
import { Gate } from "../../src/domain/flow/gate";

const ask = (trigger: string, want: number, oldestDueAt = 0, leaseMs = 30_000) => ({ trigger, want, oldestDueAt, leaseMs });
const ok = { ok: true, probe: false, statusCode: 200, error: null, retryAfterSeconds: null };
const fail = { ok: false, probe: false, statusCode: 500, error: "HTTP 500", retryAfterSeconds: null };

describe("Gate", () => {
  it("a rate limit grants at most the limit in any window (plus the grant margin), across triggers, and says when to ask again", () => {
    const g = new Gate({ rateLimit: { limit: 5, periodSeconds: 1 } });
    expect(g.ask(ask("a", 3), 0)).toEqual({ granted: 3, probe: false, retryAt: null });
    expect(g.ask(ask("b", 4), 10)).toEqual({ granted: 2, probe: false, retryAt: 1101 });
    expect(g.ask(ask("b", 2), 500).granted).toBe(0);
    expect(g.ask(ask("b", 2), 1001).granted).toBe(0); // the window is 1 s + 100 ms: a grant's start may come late
    expect(g.ask(ask("b", 2), 1101).granted).toBe(2);
    expect(g.throttled).toBe(2);
  });

  it("concurrency counts permits until their outcomes come back (or their lease ends)", () => {
    const g = new Gate({ concurrency: 2 });
    expect(g.ask(ask("a", 5, 0, 1000), 0).granted).toBe(2);
    expect(g.ask(ask("a", 3), 10).granted).toBe(0);
    g.report([ok], 20);
    expect(g.ask(ask("a", 3), 30).granted).toBe(1);
    expect(g.inFlight(1001)).toBe(1); // the first permit's lease ended: it counts no more
  });

  it("an older ask of another trigger is served first", () => {
    const g = new Gate({ concurrency: 2 });
    g.ask(ask("a", 2, 0), 0);
    expect(g.ask(ask("old", 1, 5), 10).granted).toBe(0);
    expect(g.ask(ask("new", 1, 50), 11).granted).toBe(0);
    g.report([ok], 20);
    expect(g.ask(ask("new", 1, 50), 21).granted).toBe(0); // "old" waits since 5
    expect(g.ask(ask("old", 1, 5), 22).granted).toBe(1);
    expect(g.waitingTriggers(0)).toEqual(["new"]);
  });

  it("the flow-wide breaker opens, lets one probe through per cooldown, and a 2xx closes it", () => {
    const g = new Gate({ breaker: { failureThreshold: 2, cooldownSeconds: 10 } });
    g.ask(ask("a", 2), 0);
    const events = g.report([fail, fail], 100);
    expect(events.map((e) => e.type)).toEqual(["breaker_opened"]);
    expect(g.ask(ask("a", 5), 200)).toEqual({ granted: 0, probe: false, retryAt: 10_100 });
    expect(g.ask(ask("a", 5), 10_100)).toEqual({ granted: 1, probe: true, retryAt: null });
    expect(g.ask(ask("b", 5), 10_101).granted).toBe(0); // one probe at a time
    expect(g.report([{ ...ok, probe: true }], 10_200).map((e) => e.type)).toEqual(["breaker_closed"]);
    expect(g.ask(ask("a", 5), 10_201).granted).toBe(5);
  });

  it("a Retry-After holds the whole flow; pause grants nothing", () => {
    const g = new Gate({});
    g.ask(ask("a", 1), 0);
    g.report([{ ...fail, statusCode: 429, retryAfterSeconds: 30 }], 0);
    expect(g.ask(ask("b", 1), 10)).toEqual({ granted: 0, probe: false, retryAt: 30_000 });
    expect(new Gate({ paused: true }).ask(ask("a", 1), 0)).toEqual({ granted: 0, probe: false, retryAt: null });
  });

  it("a checkpoint keeps the window, the permits out and the breaker", () => {
    const g = new Gate({ rateLimit: { limit: 3, periodSeconds: 1 }, concurrency: 10 });
    g.ask(ask("a", 3), 0);
    const again = new Gate({ rateLimit: { limit: 3, periodSeconds: 1 }, concurrency: 10 }, JSON.parse(JSON.stringify(g.state(5))));
    expect(again.ask(ask("a", 1), 500).granted).toBe(0);
    expect(again.inFlight(500)).toBe(3);
  });
});

import { flowState } from "../../src/domain/flow/state";

describe("flowState", () => {
  const lane = (o: Partial<Parameters<typeof flowState>[0][number]> = {}) => ({ waiting: 0, inFlight: 0, oldestWaitingAt: null, breaker: "closed" as const, breakerOpenedAt: null, heldUntil: null, subscription: null, ...o });
  it("adds the lanes' figures up; the worst lane breaker and latest hold stand for a flow without a policy", () => {
    expect(flowState([lane({ waiting: 3, inFlight: 2, oldestWaitingAt: 50 }), lane({ waiting: 1, oldestWaitingAt: 20, breaker: "open", breakerOpenedAt: 7, heldUntil: 99 })], null))
      .toEqual({ waiting: 4, inFlight: 2, oldestWaitingAt: 20, breaker: "open", breakerOpenedAt: 7, paused: false, heldUntil: 99 });
  });
  it("a gate with a policy has the flow's in-flight count, its breaker, its hold and its pause", () => {
    const gate = { inFlight: 5, breaker: "half_open" as const, breakerOpenedAt: 3, paused: true, heldUntil: 40, flowBreaker: true, gated: true };
    expect(flowState([lane({ waiting: 2, inFlight: 9, breaker: "open", breakerOpenedAt: 1 })], gate))
      .toEqual({ waiting: 2, inFlight: 5, oldestWaitingAt: null, breaker: "half_open", breakerOpenedAt: 3, paused: true, heldUntil: 40 });
  });
});

describe("Gate.start", () => {
  it("counts starts over the period plus a 50 ms arrival margin: the limit in any period, when to try again, and no start while paused or held", () => {
    const g = new Gate({ rateLimit: { limit: 2, periodSeconds: 1 } });
    expect(g.start(0)).toEqual({ ok: true, retryAt: null });
    expect(g.start(10)).toEqual({ ok: true, retryAt: null });
    expect(g.start(20)).toEqual({ ok: false, retryAt: 1051 }); // the first start leaves the window after 1 s + 50 ms
    expect(g.start(1051).ok).toBe(true);
    const again = new Gate({ rateLimit: { limit: 2, periodSeconds: 1 } }, JSON.parse(JSON.stringify(g.state(1051))));
    expect(again.start(1055).ok).toBe(false); // the checkpoint keeps the starts
    expect(new Gate({ paused: true }).start(0)).toEqual({ ok: false, retryAt: null });
    const held = new Gate({ concurrency: 1 });
    held.report([{ ok: false, probe: false, statusCode: 429, error: null, retryAfterSeconds: 2 }], 0);
    expect(held.start(100)).toEqual({ ok: false, retryAt: 2000 });
  });
});
