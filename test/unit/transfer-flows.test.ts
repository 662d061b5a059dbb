/** Flow policies in import and sync documents, pure (src/domain/transfer/flows.ts): validation, ownership, the kept pause, prune. */
import { describe, expect, it } from "vitest";
import { planFlows, summarizeFlows, validateFlows, type CurrentFlow } from "../../src/domain/transfer/flows";
import type { Mode } from "../../src/domain/transfer";

const IMPORT: Mode = { kind: "import" };
const sync = (o: Partial<{ prune: boolean; adopt: boolean }> = {}): Mode => ({ kind: "sync", source: "code", prune: false, adopt: false, ...o });

function plan(flows: Record<string, unknown>, current: Record<string, CurrentFlow>, mode: Mode, owned: Record<string, CurrentFlow> = {}) {
  const v = validateFlows(flows);
  expect(v.problems).toEqual([]);
  return planFlows({ incoming: v.flows, current: new Map(v.flows.map((f) => [f.flow, current[f.flow] ?? null])), owned: new Map(Object.entries(owned)), mode });
}

describe("validateFlows", () => {
  it("takes what PUT /v1/flows takes; none is fine", () => {
    expect(validateFlows(undefined)).toEqual({ flows: [], problems: [] });
    const policy = { rateLimit: { limit: 10, periodSeconds: 1 }, concurrency: 5, breaker: { failureThreshold: 5, cooldownSeconds: 30 }, paused: false };
    expect(validateFlows({ billing: policy, empty: {} })).toEqual({ flows: [{ flow: "billing", policy }, { flow: "empty", policy: {} }], problems: [] });
  });

  it("names every problem by flow and by its path from the document's root, in words for people", () => {
    const { flows, problems } = validateFlows({ ok: { concurrency: 1 }, billing: { concurrency: 0, rate: 1 }, slow: { rateLimit: { limit: 1.5 } }, "no good": {}, odd: [] });
    expect(flows.map((f) => f.flow)).toEqual(["ok"]);
    expect(problems).toEqual([
      { name: "billing", path: "flows.billing.concurrency", message: "must be at least 1", kind: "invalid" },
      { name: "billing", path: "flows.billing.rate", message: "is not a known field", kind: "invalid" },
      { name: "slow", path: "flows.slow.rateLimit.limit", message: "must be a whole number from 1 to 100000", kind: "invalid" },
      { name: "slow", path: "flows.slow.rateLimit.periodSeconds", message: "required", kind: "invalid" },
      { name: "no good", path: "flows.no good", message: expect.stringMatching(/flow name/), kind: "invalid" },
      { name: "odd", path: "flows.odd", message: "must be a JSON object, not an array", kind: "invalid" },
    ]);
  });

  it("refuses a `flows` that is not an object, and more than 1000 flows", () => {
    for (const bad of [null, [], "x", 3]) expect(validateFlows(bad).problems).toEqual([{ name: "flows", path: "flows", message: expect.stringMatching(/object/), kind: "invalid" }]);
    const many = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`f${i}`, {}]));
    expect(validateFlows(many).problems).toEqual([{ name: "flows", path: "flows", message: "at most 1000 flows a call", kind: "invalid" }]);
  });
});

describe("planFlows", () => {
  it("creates, updates and leaves alone; an empty policy for a flow without one is nothing to do; paused: false is no pause", () => {
    const p = plan(
      { a: { concurrency: 1 }, b: { concurrency: 2 }, c: { concurrency: 3 }, d: {}, e: { concurrency: 4, paused: false } },
      { b: { policy: { concurrency: 2 }, source: null }, c: { policy: { concurrency: 1 }, source: null }, e: { policy: { concurrency: 4 }, source: null } },
      IMPORT,
    );
    expect(p.steps.map((s) => [s.flow, s.change, s.source])).toEqual([["a", "create", null], ["b", "none", null], ["c", "update", null], ["d", "none", null], ["e", "none", null]]);
    expect(summarizeFlows(p)).toEqual({ created: ["a"], updated: ["c"], unchanged: ["b", "d", "e"], cleared: [] });
  });

  it("an import releases a policy a sync owned; a sync owns what it declares and takes over the API's (an update even when the policy is the same)", () => {
    const cur = { a: { policy: { concurrency: 1 }, source: "code" }, b: { policy: { concurrency: 1 }, source: null } };
    expect(plan({ a: { concurrency: 1 } }, cur, IMPORT).steps[0]).toEqual({ flow: "a", policy: { concurrency: 1 }, source: null, change: "update" });
    const s = plan({ a: { concurrency: 1 }, b: { concurrency: 1 }, c: { concurrency: 1 } }, cur, sync());
    expect(s.steps.map((x) => [x.flow, x.change, x.source])).toEqual([["a", "none", "code"], ["b", "update", "code"], ["c", "create", "code"]]);
    expect(s.problems).toEqual([]);
  });

  it("another sync source's policy is a conflict at flows.<flow> unless adopt", () => {
    const cur = { a: { policy: { concurrency: 1 }, source: "billing-service" } };
    expect(plan({ a: { concurrency: 1 } }, cur, sync()).problems).toEqual([
      { name: "a", path: "flows.a", kind: "conflict", message: expect.stringContaining(`owned by source 'billing-service'; sync only manages source 'code' (pass "adopt": true`) },
    ]);
    const adopted = plan({ a: { concurrency: 1 } }, cur, sync({ adopt: true }));
    expect(adopted.problems).toEqual([]);
    expect(adopted.steps[0]).toMatchObject({ change: "update", source: "code" });
    expect(plan({ a: { concurrency: 1 } }, cur, IMPORT).problems).toEqual([]);
  });

  it("keeps a pause the document does not mention; an explicit paused applies", () => {
    const cur = { a: { policy: { concurrency: 1, paused: true }, source: "code" } };
    expect(plan({ a: { concurrency: 1 } }, cur, sync()).steps[0]).toMatchObject({ change: "none", policy: { concurrency: 1, paused: true } });
    expect(plan({ a: { concurrency: 2 } }, cur, sync()).steps[0]).toMatchObject({ change: "update", policy: { concurrency: 2, paused: true } });
    expect(plan({ a: {} }, cur, sync()).steps[0]).toMatchObject({ change: "update", policy: { paused: true } });
    expect(plan({ a: { concurrency: 1, paused: false } }, cur, sync()).steps[0]).toMatchObject({ change: "update", policy: { concurrency: 1, paused: false } });
  });

  it("with prune, clears what the source owned and no longer declares (by name, a pause kept, released); never without prune", () => {
    const owned = { z: { policy: { concurrency: 1 }, source: "code" }, y: { policy: { concurrency: 1, paused: true }, source: "code" }, a: { policy: { concurrency: 1 }, source: "code" } };
    const p = plan({ a: { concurrency: 1 } }, { a: owned.a }, sync({ prune: true }), owned);
    expect(p.clear).toEqual([{ flow: "y", policy: { paused: true }, source: null, change: "update" }, { flow: "z", policy: {}, source: null, change: "update" }]);
    expect(summarizeFlows(p).cleared).toEqual(["y", "z"]);
    expect(plan({ a: { concurrency: 1 } }, { a: owned.a }, sync(), owned).clear).toEqual([]);
    expect(plan({}, {}, IMPORT, owned).clear).toEqual([]);
  });
});
