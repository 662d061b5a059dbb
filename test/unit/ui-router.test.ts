/** The dashboard's hash routes and helpers: every view round-trips through its URL; times and PUT bodies. */
import { describe, expect, it } from "vitest";
import { href, parseHash } from "../../ui/lib/router";
import { durationText, relativeTime, utcText } from "../../ui/lib/format";
import { definitionForPut, dstPolicy, scheduleRule } from "../../ui/lib/trigger-def";

describe("parseHash / href", () => {
  it("round-trips every view, names with dots, colons and slashes encoded", () => {
    const name = "stripe:payment.succeeded";
    expect(parseHash(href.triggers({ type: "event", q: "stripe.", cursor: "abc" }))).toEqual({ view: "triggers", query: { type: "event", q: "stripe.", cursor: "abc" } });
    expect(parseHash("")).toEqual({ view: "home", query: {} });
    expect(parseHash("#/")).toEqual({ view: "home", query: {} });
    expect(parseHash(href.home({ status: "dead", trigger: "stripe.", cursor: "c1" }))).toEqual({ view: "home", query: { status: "dead", trigger: "stripe.", cursor: "c1" } });
    expect(parseHash("#/triggers")).toEqual({ view: "triggers", query: {} });
    expect(parseHash(href.trigger(name))).toEqual({ view: "trigger", name });
    expect(parseHash(href.fires(name, "dead"))).toEqual({ view: "fires", name, status: "dead", cursor: "" });
    expect(parseHash(href.fire(name, "evt_1_x", "dlv_a"))).toEqual({ view: "fire", name, eventId: "evt_1_x", delivery: "dlv_a" });
    expect(parseHash(href.fireForm(name))).toEqual({ view: "fire-form", name });
    expect(parseHash(href.live(name))).toEqual({ view: "live", name });
    expect(parseHash(href.search("dlv_x"))).toEqual({ view: "search", id: "dlv_x" });
    expect(parseHash(href.awaits("run/1"))).toEqual({ view: "awaits", runId: "run/1" });
    expect(parseHash("#/runs")).toEqual({ view: "runs", status: "waiting", cursor: "" });
    expect(parseHash(href.runs("cancelled", "c2"))).toEqual({ view: "runs", status: "cancelled", cursor: "c2" });
    expect(href.runs()).toBe("#/runs");
    expect(parseHash("#/runs?run=r1")).toEqual({ view: "awaits", runId: "r1" });
  });
  it("answers not-found for unknown paths and bad escapes", () => {
    expect(parseHash("#/nope").view).toBe("not-found");
    expect(parseHash("#/triggers/a/b/c/d").view).toBe("not-found");
    expect(parseHash("#/triggers/%E0%A4%A").view).toBe("not-found");
  });
});

describe("format", () => {
  it("relative times in the largest whole unit, both directions", () => {
    expect(relativeTime(0, 500)).toBe("just now");
    expect(relativeTime(1_000, 4_000)).toBe("3 s ago");
    expect(relativeTime(0, 125_000)).toBe("2 min ago");
    expect(relativeTime(7_200_000, 0)).toBe("in 2 h");
    expect(relativeTime(0, 3 * 86_400_000)).toBe("3 d ago");
  });
  it("UTC titles and durations", () => {
    expect(utcText(Date.UTC(2026, 0, 2, 3, 4, 5))).toBe("2026-01-02 03:04:05 UTC");
    expect(durationText(12.4)).toBe("12 ms");
    expect(durationText(1234)).toBe("1.2 s");
    expect(durationText(null)).toBe("—");
  });
});

describe("trigger-def", () => {
  it("drops the view's own fields and poll.state, keeps the rest (redacted secrets too), sets schedule.enabled", () => {
    const view = {
      name: "t", type: "schedule", scope: "flow", status: "active", source: "api", registeredAt: 1, updatedAt: 2, lastActivityAt: 3,
      retiredAt: null, retiredReason: null, subscriptions: {}, stats: {}, nextFireAt: 4, version: 7, webhookUrl: "u",
      displayName: "T", schedule: { cron: "* * * * *", dst: { gap: "skip" } }, futureField: { kept: true },
    };
    expect(definitionForPut(view, false)).toEqual({
      type: "schedule", source: "api", displayName: "T", schedule: { cron: "* * * * *", dst: { gap: "skip" }, enabled: false }, futureField: { kept: true },
    });
    expect(definitionForPut({ type: "poll", poll: { url: "x", headers: { a: "********" }, state: { paused: true } } })).toEqual({ type: "poll", poll: { url: "x", headers: { a: "********" } } });
  });
  it("DST defaults and schedule rules", () => {
    expect(dstPolicy(undefined)).toEqual({ gap: "shift", fold: "once", defaulted: { gap: true, fold: true } });
    expect(dstPolicy({ dst: { fold: "twice" } })).toEqual({ gap: "shift", fold: "twice", defaulted: { gap: true, fold: false } });
    expect(scheduleRule({ cron: "0 2 * * *" })).toBe("cron 0 2 * * *");
    expect(scheduleRule({ every: { hours: 6 } })).toBe("every 6 hours");
    expect(scheduleRule({ at: "02:00" })).toBe("daily at 02:00");
  });
});
