/** validateSchedule: one sentence per problem, naming the field. */
import { describe, expect, it } from "vitest";
import { nextOccurrences, validateSchedule } from "../../src/domain/schedule";

describe("validateSchedule accepts", () => {
  it.each([
    { cron: "0 2 * * *" },
    { cron: "*/15 * * * * *" },
    { cron: "0 0 L * *" },
    { cron: "0 9 * * MON-FRI" },
    { cron: "0 9 * * THU" }, // THU contains an H, which is not cron-parser's random H
    { cron: "0 0 * * 1#1", timezone: "Europe/London", dst: { gap: "skip", fold: "twice" } },
    { interval: "30s" },
    { interval: "15m", anchor: "2026-01-01T00:05:00Z" },
    { interval: "1w", anchor: "2026-01-01T09:00:00.250+05:30" },
    { at: "02:00", timezone: "America/New_York" },
    { at: "23:59:59" },
    { every: { hours: 6 } },
    { every: { minutes: 1, seconds: 30 } },
    { every: { hours: 1, minutes: 0 } },
    { every: { seconds: 1 } },
    { cron: "0 2 * * *", jitterSeconds: 0, enabled: true, overlap: "skip", catchup: "latest", payload: {} },
    { cron: "0 2 * * *", jitterSeconds: 3600 },
    { cron: "0 2 * * *", timezone: "Australia/Lord_Howe" },
    { cron: "0 2 * * *", timezone: "UTC" },
    { cron: "*/59 * * * *" },
    { cron: "0 */23 * * *" },
    { cron: "0 0 */30 * *" },
    { cron: "0 0 1 */11 *" },
    { cron: "0 0 * * */6" },
    { cron: "0 9 * * MON-FRI/2" },
    { cron: "10-40/30 * * * *" },
    { cron: "5/54 * * * *" },
    { cron: "1,2,3/4 * * * *" },
  ])("%j", (spec) => {
    expect(validateSchedule(spec)).toEqual([]);
  });
});

describe("validateSchedule rejects", () => {
  it.each<[string, unknown, string]>([
    ["not an object", null, "schedule must be an object"],
    ["an array", [], "schedule must be an object"],
    ["a string", "0 2 * * *", "schedule must be an object"],
    ["no kind", { timezone: "UTC" }, "schedule needs one of cron, interval, at or every"],
    ["two kinds", { cron: "0 2 * * *", interval: "1h" }, "schedule takes only one of cron, interval, at or every (got cron and interval)"],
    ["three kinds", { at: "02:00", every: { hours: 1 }, interval: "1h" }, "(got interval and at and every)"],
    ["a bad cron", { cron: "not a cron" }, "cron must have 5 fields, or 6 with seconds first (got 3)"],
    ["bad cron characters", { cron: "a b c d e" }, "cron: "],
    ["a minute step past the hour", { cron: "*/61 * * * *" }, `cron: the minute field's step in "*/61" is larger than its range 0-59, so it would only ever match minute 0; use a step from 1 to 59`],
    ["a minute step of 60", { cron: "*/60 * * * *" }, `step in "*/60" is larger than its range 0-59`],
    ["an hour step of 24", { cron: "0 */24 * * *" }, `cron: the hour field's step in "*/24" is larger than its range 0-23`],
    ["a day step past the month", { cron: "0 0 */32 * *" }, `the day-of-month field's step in "*/32"`],
    ["a month step of 12", { cron: "0 0 1 */12 *" }, `the month field's step in "*/12" is larger than its range 1-12`],
    ["a weekday step of 7", { cron: "0 0 * * */7" }, `the day-of-week field's step in "*/7" is larger than its range 0-6`],
    ["a range's step past the range", { cron: "0-10/20 * * * *" }, `the minute field's step in "0-10/20" is larger than 0-10, so it would only ever match minute 0; use a step from 1 to 10`],
    ["a start's step past the field", { cron: "50/15 * * * *" }, `step in "50/15" is larger than 50-59`],
    ["named months", { cron: "0 0 1 JAN-MAR/3 *" }, `the month field's step in "JAN-MAR/3" is larger than 1-3`],
    ["a second step past the minute", { cron: "*/61 * * * * *" }, `cron: the second field's step in "*/61" is larger than its range 0-59`],
    ["a step of 0", { cron: "*/0 * * * *" }, `cron: the minute field's step in "*/0" must be at least 1`],
    ["one bad step in a list", { cron: "*/5,*/70 * * * *" }, `step in "*/70"`],
    ["an out-of-range minute", { cron: "61 * * * *" }, "cron: "],
    ["a 7-field cron", { cron: "0 0 0 * * * 2026" }, "cron must have 5 fields, or 6 with seconds first (got 7)"],
    ["a 4-field cron", { cron: "0 0 * *" }, "cron must have 5 fields, or 6 with seconds first (got 4)"],
    ["an empty cron", { cron: "" }, "cron must have 5 fields, or 6 with seconds first (got 0)"],
    ["a cron macro", { cron: "@daily" }, "cron must have 5 fields, or 6 with seconds first (got 1)"],
    ["a random H", { cron: "H 2 * * *" }, "cron: 'H' (random value) is not supported"],
    ["an impossible date", { cron: "0 0 30 2 *" }, "cron: "],
    ["a non-string cron", { cron: 5 }, "cron must be a string"],
    ["an unknown zone", { cron: "0 2 * * *", timezone: "Mars/Olympus" }, 'timezone "Mars/Olympus" is not a known IANA time zone'],
    ["an empty zone", { cron: "0 2 * * *", timezone: "" }, 'timezone "" is not a known IANA time zone'],
    ["a non-string zone", { cron: "0 2 * * *", timezone: 5 }, "timezone 5 is not a known IANA time zone"],
    ["interval 0s", { interval: "0s" }, "interval must be greater than 0"],
    ["interval 5x", { interval: "5x" }, 'interval must be an integer and a unit s, m, h, d or w, e.g. "15m"'],
    ["a fractional interval", { interval: "1.5h" }, "interval must be an integer and a unit"],
    ["a negative interval", { interval: "-1h" }, "interval must be an integer and a unit"],
    ["a numeric interval", { interval: 60 }, "interval must be an integer and a unit"],
    ["an interval with spaces", { interval: "15 m" }, "interval must be an integer and a unit"],
    ["at 25:00", { at: "25:00" }, 'at must be "HH:MM" or "HH:MM:SS" on a 24-hour clock'],
    ["at 12:60", { at: "12:60" }, "at must be"],
    ["at 2:00", { at: "2:00" }, "at must be"],
    ["at 24:00", { at: "24:00" }, "at must be"],
    ["at 02:00:60", { at: "02:00:60" }, "at must be"],
    ["every zero", { every: { hours: 0 } }, "every must add up to at least 1 second"],
    ["every empty", { every: {} }, "every must add up to at least 1 second"],
    ["every negative", { every: { hours: -1 } }, "every.hours must be a non-negative integer"],
    ["every fractional", { every: { hours: 1.5 } }, "every.hours must be a non-negative integer"],
    ["every as a string", { every: { minutes: "5" } }, "every.minutes must be a non-negative integer"],
    ["every unknown unit", { every: { fortnights: 1 } }, "every.fortnights is not a unit (seconds, minutes, hours, days, weeks)"],
    ["every not an object", { every: "6h" }, "every must be an object"],
    ["an anchor that is not ISO", { interval: "1h", anchor: "yesterday" }, "anchor must be an ISO 8601 date-time with Z or an offset"],
    ["an anchor without an offset", { interval: "1h", anchor: "2026-01-01T00:00:00" }, "anchor must be an ISO 8601"],
    ["an anchor on Feb 30", { interval: "1h", anchor: "2026-02-30T00:00:00Z" }, "anchor must be an ISO 8601"],
    ["an anchor at hour 24", { interval: "1h", anchor: "2026-01-01T24:00:00Z" }, "anchor must be an ISO 8601"],
    ["an anchor on a cron", { cron: "0 2 * * *", anchor: "2026-01-01T00:00:00Z" }, "anchor only applies to interval and every"],
    ["jitter too big", { cron: "0 2 * * *", jitterSeconds: 3601 }, "jitterSeconds must be an integer from 0 to 3600"],
    ["jitter negative", { cron: "0 2 * * *", jitterSeconds: -1 }, "jitterSeconds must be an integer from 0 to 3600"],
    ["jitter fractional", { cron: "0 2 * * *", jitterSeconds: 1.5 }, "jitterSeconds must be an integer from 0 to 3600"],
    ["a bad gap policy", { cron: "0 2 * * *", dst: { gap: "later" } }, 'dst.gap must be "shift" or "skip"'],
    ["a bad fold policy", { cron: "0 2 * * *", dst: { fold: "thrice" } }, 'dst.fold must be "once" or "twice"'],
    ["an unknown dst key", { cron: "0 2 * * *", dst: { spring: "shift" } }, "dst.spring is not a dst setting (gap, fold)"],
    ["dst as a string", { cron: "0 2 * * *", dst: "shift" }, "dst must be an object"],
  ])("%s", (_name, spec, message) => {
    const problems = validateSchedule(spec);
    expect(problems.some((p) => p.includes(message)), JSON.stringify(problems)).toBe(true);
  });

  it("reports every problem, not only the first", () => {
    expect(validateSchedule({ interval: "5x", timezone: "Mars/Olympus", jitterSeconds: 9999 })).toHaveLength(3);
  });

  it("makes nextOccurrences throw instead of guessing", () => {
    expect(() => nextOccurrences({ cron: "0 0 0 * * * 2026" }, 0, 1, 0)).toThrow(/invalid schedule: cron must have 5 fields/);
    expect(() => nextOccurrences({}, 0, 1, 0)).toThrow(/schedule needs one of/);
  });
});
