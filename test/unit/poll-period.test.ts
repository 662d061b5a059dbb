/** Poll timing: every strings, crons (reusing the schedule maths), next poll times and a group's effective period. */
import { describe, expect, it } from "vitest";
import { MIN_POLL_PERIOD_MS, groupSchedule, lateGraceMs, nextPollAfter, nextPollAt, parseEvery, pollPeriodMs, pollTimingProblems } from "../../src/domain/poll/period";

const ms = (iso: string) => Date.parse(iso);

describe("parseEvery", () => {
  it("reads integers with a unit", () => {
    expect(parseEvery("5s")).toBe(5_000);
    expect(parseEvery("90s")).toBe(90_000);
    expect(parseEvery("1m")).toBe(60_000);
    expect(parseEvery("2h")).toBe(7_200_000);
    expect(parseEvery("1d")).toBe(86_400_000);
  });
  it("gives null for anything else", () => {
    for (const s of ["", "5", "s", "1.5m", "-5s", "5 m", "5S", "5ms", "five"]) expect(parseEvery(s), s).toBeNull();
  });
});

describe("pollTimingProblems", () => {
  it("accepts every of 5 s or more and 5- or 6-field crons", () => {
    for (const t of [{ every: "5s" }, { every: "90s" }, { every: "1m" }, { every: "2h" }, { cron: "*/5 * * * *" }, { cron: "*/5 * * * * *" }, { cron: "0 9 * * 1-5" }, { cron: "0 0 29 2 *" }]) {
      expect(pollTimingProblems(t), JSON.stringify(t)).toEqual([]);
    }
  });
  it("refuses every below 5 s with a clear message", () => {
    expect(pollTimingProblems({ every: "4s" })).toEqual(['poll.every must be at least 5s (got "4s"), e.g. "5s" or "1m"']);
    expect(pollTimingProblems({ every: "0s" })[0]).toMatch(/at least 5s/);
  });
  it("refuses malformed every, both or neither, and bad crons", () => {
    expect(pollTimingProblems({ every: "5 minutes" })[0]).toMatch(/integer and a unit/);
    expect(pollTimingProblems({ every: 5 as unknown as string })[0]).toMatch(/integer and a unit/);
    expect(pollTimingProblems({})).toEqual(['poll needs every (e.g. "5m") or cron (e.g. "*/5 * * * *")']);
    expect(pollTimingProblems({ every: "5m", cron: "* * * * *" })).toEqual(["poll takes only one of every and cron"]);
    expect(pollTimingProblems({ cron: "* * *" })[0]).toMatch(/^poll\.cron must have 5 fields/);
    expect(pollTimingProblems({ cron: "61 * * * *" })[0]).toMatch(/^poll\.cron/);
  });
  it("refuses crons that fire less than 5 s apart", () => {
    expect(pollTimingProblems({ cron: "* * * * * *" })[0]).toMatch(/more often than every 5 seconds/);
    expect(pollTimingProblems({ cron: "0,3 * * * * *" })[0]).toMatch(/more often than every 5 seconds/);
    expect(pollTimingProblems({ cron: "0-59/7 * * * * *" })[0]).toMatch(/more often/); // 56 → 0 is 4 s
  });
});

describe("nextPollAt", () => {
  const anchor = ms("2026-01-01T00:00:00Z");
  it("keeps every on the grid counted from the anchor, strictly after the instant", () => {
    expect(nextPollAt({ every: "1m" }, anchor, anchor)).toBe(anchor + 60_000);
    expect(nextPollAt({ every: "1m" }, anchor + 61_500, anchor)).toBe(anchor + 120_000);
    expect(nextPollAt({ every: "90s" }, anchor + 90_000, anchor)).toBe(anchor + 180_000);
    expect(nextPollAt({ every: "5m" }, anchor - 10, anchor)).toBe(anchor);
  });
  it("follows a cron in UTC", () => {
    expect(nextPollAt({ cron: "*/15 * * * *" }, ms("2026-01-01T10:07:00Z"), anchor)).toBe(ms("2026-01-01T10:15:00Z"));
    expect(nextPollAt({ cron: "*/10 * * * * *" }, ms("2026-01-01T10:07:00Z"), anchor)).toBe(ms("2026-01-01T10:07:10Z"));
    expect(nextPollAt({ cron: "0 9 * * *" }, ms("2026-07-01T09:00:00Z"), anchor)).toBe(ms("2026-07-02T09:00:00Z"));
  });
  it("throws on invalid timing", () => {
    expect(() => nextPollAt({ every: "1s" }, 0, 0)).toThrow(/at least 5s/);
  });
});

describe("periods and groups", () => {
  it("gives every's period exactly and a cron's gap between its next two polls", () => {
    expect(pollPeriodMs({ every: "90s" }, 0)).toBe(90_000);
    expect(pollPeriodMs({ cron: "*/5 * * * *" }, ms("2026-01-01T00:01:00Z"))).toBe(300_000);
    expect(pollPeriodMs({ cron: "0 9,17 * * *" }, ms("2026-01-01T08:00:00Z"))).toBe(8 * 3_600_000);
    expect(pollPeriodMs({ cron: "0 9,17 * * *" }, ms("2026-01-01T10:00:00Z"))).toBe(16 * 3_600_000);
  });
  it("polls a group at the shortest period and the earliest next poll among its triggers", () => {
    const anchor = ms("2026-01-01T00:00:00Z");
    expect(groupSchedule([{ every: "5m" }, { every: "30s" }, { cron: "*/2 * * * *" }], anchor + 1_000, anchor)).toEqual({ periodMs: 30_000, nextPollAt: anchor + 30_000 });
    expect(groupSchedule([{ every: "1h" }, { cron: "*/10 * * * *" }], anchor + 1_000, anchor)).toEqual({ periodMs: 600_000, nextPollAt: anchor + 600_000 });
    expect(groupSchedule([{ every: "1h" }], anchor, anchor)).toEqual({ periodMs: 3_600_000, nextPollAt: anchor + 3_600_000 });
    expect(groupSchedule([], anchor, anchor)).toBeNull();
  });
  it("schedules the next poll at least a period after the last one, on the grid", () => {
    const every5 = [{ every: "5s" }];
    // on the grid, on time or a few ms late: the next slot
    expect(nextPollAfter(every5, { dueAt: 15_000, startedAt: 15_000 }, 0)).toEqual({ periodMs: 5_000, nextPollAt: 20_000 });
    expect(nextPollAfter(every5, { dueAt: 15_000, startedAt: 15_004 }, 0)!.nextPollAt).toBe(20_000);
    // a retry between two slots (18 s): not the slot 2 s later, the one after
    expect(nextPollAfter(every5, { dueAt: 18_000, startedAt: 18_000 }, 0)!.nextPollAt).toBe(25_000);
    // an alarm far later than its slot skips the slots it missed instead of polling again at once
    expect(nextPollAfter(every5, { dueAt: 15_000, startedAt: 19_000 }, 0)!.nextPollAt).toBe(25_000);
    // members every 5 s and every 7 s: never two polls within 5 s
    const mixed = [{ every: "5s" }, { every: "7s" }];
    let last = 0;
    for (let i = 0; i < 20; i++) {
      const next = nextPollAfter(mixed, { dueAt: last, startedAt: last }, 0)!.nextPollAt;
      expect(next - last).toBeGreaterThanOrEqual(5_000);
      last = next;
    }
    expect(nextPollAfter([], { dueAt: 0, startedAt: 0 }, 0)).toBeNull();
  });
  it("lets a poll start a tenth of the period late (at most 1 s) without losing the next slot", () => {
    expect(lateGraceMs(5_000)).toBe(500);
    expect(lateGraceMs(60_000)).toBe(1_000);
    expect(nextPollAfter([{ every: "1m" }], { dueAt: 60_000, startedAt: 60_999 }, 0)!.nextPollAt).toBe(120_000);
    expect(nextPollAfter([{ every: "1m" }], { dueAt: 60_000, startedAt: 61_001 }, 0)!.nextPollAt).toBe(180_000);
  });
  it("has a 5 s floor", () => {
    expect(MIN_POLL_PERIOD_MS).toBe(5_000);
  });
});
