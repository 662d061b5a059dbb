/** One outbox drain of a kind at a time (durable-objects/single-flight.ts): calls during a drain share one more pass. */
import { describe, it, expect, vi, afterEach } from "vitest";
import { singleFlight } from "../../durable-objects/single-flight";

/** A pass that waits until released; counts how often it started. */
function gate() {
  const releases: (() => void)[] = [];
  let started = 0;
  const pass = () => {
    started++;
    return new Promise<void>((r) => releases.push(r));
  };
  return { pass, started: () => started, release: () => releases.shift()?.(), pending: () => releases.length };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

afterEach(() => vi.restoreAllMocks());

describe("singleFlight", () => {
  it("calls during a pass run no pass of their own: the running drain makes one more, and every caller waits for it", async () => {
    const owner = {};
    const g = gate();
    let settled = 0;
    const first = singleFlight(owner, "flow", g.pass).then(() => settled++);
    const others = Array.from({ length: 10 }, () => singleFlight(owner, "flow", g.pass).then(() => settled++));
    await tick();
    expect(g.started()).toBe(1);
    g.release();
    await tick();
    expect(g.started()).toBe(2); // one more pass for all ten
    expect(settled).toBe(0); // nobody returns before the pass that began after their call
    g.release();
    await Promise.all([first, ...others]);
    expect(settled).toBe(11);
    expect(g.started()).toBe(2);
  });

  it("a pass that stopped at its batch limit (true) is followed by another, without any new call", async () => {
    let passes = 0;
    await singleFlight({}, "flow", async () => ++passes < 3); // full, full, then not
    expect(passes).toBe(3);
  });

  it("a call after the drain ended starts a new one; kinds and owners do not share", async () => {
    const owner = {};
    const g = gate();
    const a = singleFlight(owner, "flow", g.pass);
    const b = singleFlight(owner, "run", g.pass);
    const c = singleFlight({}, "flow", g.pass);
    await tick();
    expect(g.started()).toBe(3);
    g.release(), g.release(), g.release();
    await Promise.all([a, b, c]);
    const d = singleFlight(owner, "flow", g.pass);
    await tick();
    expect(g.started()).toBe(4);
    g.release();
    await d;
  });

  it("an error reaches every caller of that drain, and the next call starts afresh", async () => {
    const owner = {};
    let calls = 0;
    const failing = async () => {
      calls++;
      await tick();
      throw new Error("D1 down");
    };
    const results = await Promise.allSettled([singleFlight(owner, "d1", failing), singleFlight(owner, "d1", failing)]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(calls).toBe(1); // the error ends the drain: the second caller gets it rather than a pass of its own
    await singleFlight(owner, "d1", async () => void calls++);
    expect(calls).toBe(2);
  });

  it("a drain running over 30 s is taken for stuck: a new call starts another beside it", async () => {
    const owner = {};
    const g = gate();
    let now = 1_000_000;
    vi.spyOn(Date, "now").mockImplementation(() => now);
    void singleFlight(owner, "flow", g.pass);
    await tick();
    now += 29_000;
    void singleFlight(owner, "flow", g.pass);
    await tick();
    expect(g.started()).toBe(1);
    now += 2_000;
    const fresh = singleFlight(owner, "flow", g.pass);
    await tick();
    expect(g.started()).toBe(2);
    expect(g.pending()).toBe(2);
    // the stuck one ends later: the new one is still the running drain
    g.release();
    await tick();
    void singleFlight(owner, "flow", g.pass);
    await tick();
    expect(g.started()).toBe(3); // the stuck drain's extra pass (asked at 29 s)
    while (g.pending()) {
      g.release();
      await tick();
    }
    await fresh;
    expect(g.started()).toBe(4); // and the new drain's extra pass (asked after it started)
  });
});
