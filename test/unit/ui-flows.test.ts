/** The Flows view's pure parts: its routes, the policy's summary and editor model, the recover range, the activity lines. */
import { describe, expect, it } from "vitest";
import { href, parseHash } from "../../ui/lib/router";
import { policyBody, policySummary, policyValues } from "../../ui/lib/flow-policy";
import { resolveRange, SINCE_AT } from "../../ui/lib/recover-range";
import { activityText } from "../../ui/lib/flow-activity";
import { problemsByField } from "../../ui/lib/form-model";

describe("flow routes", () => {
  it("round-trip the list (with its cursors) and a flow (with its activity page), names with dots and colons encoded", () => {
    expect(parseHash("#/flows")).toEqual({ view: "flows", query: {} });
    expect(parseHash(href.flows({ cursor: "c2", prev: "c1" }))).toEqual({ view: "flows", query: { cursor: "c2", prev: "c1" } });
    expect(href.flows()).toBe("#/flows");
    expect(parseHash(href.flow("billing:sync.v2"))).toEqual({ view: "flow", flow: "billing:sync.v2", after: "" });
    expect(parseHash(href.flow("ledger", "50"))).toEqual({ view: "flow", flow: "ledger", after: "50" });
    expect(parseHash("#/flows/a/b").view).toBe("not-found");
  });
});

describe("flow policy", () => {
  it("summarises each rule, and nothing for no policy", () => {
    expect(policySummary({})).toEqual([]);
    expect(policySummary(undefined)).toEqual([]);
    expect(policySummary({ rateLimit: { limit: 10, periodSeconds: 1 }, concurrency: 5, breaker: { failureThreshold: 1, cooldownSeconds: 30 }, paused: true }))
      .toEqual(["10 per 1 s", "5 in flight", "breaker after 1 failure, 30 s cooldown", "paused"]);
    expect(policySummary({ breaker: { failureThreshold: 5, cooldownSeconds: 2 } })).toEqual(["breaker after 5 failures, 2 s cooldown"]);
  });

  it("fills the editor from a policy and builds the PUT body back, keeping the pause and leaving empty fields out", () => {
    const policy = { rateLimit: { limit: 10, periodSeconds: 60 }, concurrency: 3, breaker: { failureThreshold: 5, cooldownSeconds: 30 } };
    const values = policyValues(policy);
    expect(values).toEqual({ "rateLimit.limit": "10", "rateLimit.periodSeconds": "60", concurrency: "3", "breaker.failureThreshold": "5", "breaker.cooldownSeconds": "30" });
    expect(policyBody(values, false)).toEqual(policy);
    expect(policyBody(values, true)).toEqual({ ...policy, paused: true });
    const empty = policyValues({});
    expect(policyBody(empty, false)).toEqual({});
    expect(policyBody({ ...empty, concurrency: " 7 " }, true)).toEqual({ concurrency: 7, paused: true });
  });

  it("sends what the API must judge as typed: half a pair, fractions, out-of-range numbers, text", () => {
    const empty = policyValues({});
    expect(policyBody({ ...empty, "rateLimit.limit": "10" }, false)).toEqual({ rateLimit: { limit: 10 } });
    expect(policyBody({ ...empty, concurrency: "1.5", "breaker.cooldownSeconds": "0" }, false)).toEqual({ concurrency: 1.5, breaker: { cooldownSeconds: 0 } });
    expect(policyBody({ ...empty, concurrency: "lots" }, false)).toEqual({ concurrency: "lots" });
  });

  it("puts the API's problems (dotted paths) next to the editor's fields", () => {
    const details = [{ path: "concurrency", message: "must be at most 1000" }, { path: "rateLimit.periodSeconds", message: "is required" }, { path: "rate", message: "is not a known field" }];
    const r = problemsByField(details, ["rateLimit.limit", "rateLimit.periodSeconds", "concurrency"]);
    expect(r.byField).toEqual({ concurrency: ["must be at most 1000"], "rateLimit.periodSeconds": ["is required"] });
    expect(r.general).toEqual(["rate: is not a known field"]);
  });
});

describe("recover range", () => {
  const now = Date.UTC(2026, 6, 1, 12, 0, 0);
  it("a relative since counts back from now; no until means the server's now", () => {
    expect(resolveRange("1h", "", "", now)).toEqual({ since: now - 3_600_000 });
    expect(resolveRange("7d", "", "", now)).toEqual({ since: now - 7 * 86_400_000 });
  });
  it("a typed since and until are local times; a bad or reversed range is an error", () => {
    const at = new Date(2026, 6, 1, 10, 30).getTime();
    expect(resolveRange(SINCE_AT, "2026-07-01T10:30:15", "", now)).toEqual({ since: new Date(2026, 6, 1, 10, 30, 15).getTime() });
    expect(resolveRange(SINCE_AT, "2026-07-01T10:30", "2026-07-01T11:00", now)).toEqual({ since: at, until: new Date(2026, 6, 1, 11, 0).getTime() });
    expect(resolveRange(SINCE_AT, "", "", now)).toEqual({ error: "Since: choose a date and time" });
    expect(resolveRange(SINCE_AT, "yesterday", "", now)).toEqual({ error: "Since: choose a date and time" });
    expect(resolveRange("1h", "", "soon", now)).toEqual({ error: "Until: not a date and time" });
    expect(resolveRange(SINCE_AT, "2026-07-01T10:30", "2026-07-01T10:00", now)).toEqual({ error: "Until must not be before since" });
    expect(resolveRange("2y", "", "", now)).toEqual({ error: "Since: choose a range" });
  });
});

describe("activity lines", () => {
  const e = (type: string, data: unknown) => activityText({ seq: 1, type, ts: 0, data });
  it("says what each entry of the log means", () => {
    expect(e("flow.updated", { policy: { concurrency: 2, paused: true }, version: 3 })).toBe("Policy set: 2 in flight");
    expect(e("flow.updated", { policy: {} })).toBe("Policy set: none");
    expect(e("flow.paused", {})).toBe("Paused: nothing is sent, deliveries wait");
    expect(e("flow.resumed", {})).toBe("Resumed");
    expect(e("flow.breaker_opened", { failures: 5, statusCode: 500, error: "HTTP 500", trigger: "orders" })).toBe("Breaker opened after 5 consecutive failures (last: HTTP 500) (from orders)");
    expect(e("flow.breaker_opened", { failures: 3, statusCode: null, error: "timeout" })).toBe("Breaker opened after 3 consecutive failures (last: timeout)");
    expect(e("flow.breaker_closed", { openedAt: 1, trigger: "orders" })).toBe("Breaker closed (from orders)");
    expect(e("flow.held", { until: Date.UTC(2026, 0, 2, 3, 4, 5) })).toBe("Held by Retry-After until 2026-01-02 03:04:05 UTC");
    expect(e("flow.recovered", { status: "dead", since: 0, until: 1000, matched: 4, replayed: 3, more: true }))
      .toBe("Recovered dead deliveries from 1970-01-01 00:00:00 UTC to 1970-01-01 00:00:01 UTC: 4 matched, 3 replayed (more to go)");
    expect(e("flow.something_new", null)).toBe("flow.something_new");
  });
});
