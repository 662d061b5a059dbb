/** nextOccurrences and occurrencesBetween away from DST changes: cron, at, interval, every. */
import { describe, expect, it } from "vitest";
import { nextOccurrences, occurrencesBetween, type ScheduleSpec } from "../../src/domain/schedule";

const ms = (iso: string) => Date.parse(iso);
const iso = (t: number) => new Date(t).toISOString().replace(".000Z", "Z");
const REGISTERED = ms("2026-01-01T00:00:00Z");

type Case = [name: string, spec: ScheduleSpec, after: string, expected: string[]];

const next = (spec: ScheduleSpec, after: string, count: number, anchor = REGISTERED) => nextOccurrences(spec, ms(after), count, anchor).map(iso);

describe("cron", () => {
  it.each<Case>([
    ["daily, 5 fields", { cron: "0 2 * * *" }, "2026-01-01T00:00:00Z", ["2026-01-01T02:00:00Z", "2026-01-02T02:00:00Z", "2026-01-03T02:00:00Z"]],
    ["strictly after", { cron: "0 2 * * *" }, "2026-01-01T02:00:00Z", ["2026-01-02T02:00:00Z", "2026-01-03T02:00:00Z", "2026-01-04T02:00:00Z"]],
    ["from mid-second", { cron: "0 2 * * *" }, "2026-01-01T01:59:59.999Z", ["2026-01-01T02:00:00Z", "2026-01-02T02:00:00Z", "2026-01-03T02:00:00Z"]],
    ["every 15 minutes", { cron: "*/15 * * * *" }, "2026-01-01T00:00:00Z", ["2026-01-01T00:15:00Z", "2026-01-01T00:30:00Z", "2026-01-01T00:45:00Z"]],
    ["every second, 6 fields", { cron: "*/1 * * * * *" }, "2026-01-01T00:00:00Z", ["2026-01-01T00:00:01Z", "2026-01-01T00:00:02Z", "2026-01-01T00:00:03Z"]],
    ["every 15 seconds, 6 fields", { cron: "*/15 * * * * *" }, "2026-01-01T00:00:10Z", ["2026-01-01T00:00:15Z", "2026-01-01T00:00:30Z", "2026-01-01T00:00:45Z", "2026-01-01T00:01:00Z"]],
    ["seconds field set", { cron: "30 0 9 * * *" }, "2026-01-01T00:00:00Z", ["2026-01-01T09:00:30Z", "2026-01-02T09:00:30Z"]],
    ["weekdays (2026-01-02 is a Friday)", { cron: "30 9 * * 1-5" }, "2026-01-02T10:00:00Z", ["2026-01-05T09:30:00Z", "2026-01-06T09:30:00Z", "2026-01-07T09:30:00Z"]],
    ["leap day", { cron: "0 0 29 2 *" }, "2026-03-01T00:00:00Z", ["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"]],
    ["last day of month", { cron: "0 0 L * *" }, "2026-01-15T00:00:00Z", ["2026-01-31T00:00:00Z", "2026-02-28T00:00:00Z", "2026-03-31T00:00:00Z", "2026-04-30T00:00:00Z"]],
    ["last day of a leap February", { cron: "0 0 L 2 *" }, "2027-03-01T00:00:00Z", ["2028-02-29T00:00:00Z", "2029-02-28T00:00:00Z"]],
    ["first Monday", { cron: "0 8 * * 1#1" }, "2026-01-01T00:00:00Z", ["2026-01-05T08:00:00Z", "2026-02-02T08:00:00Z"]],
    ["New York winter (UTC-5)", { cron: "0 9 * * *", timezone: "America/New_York" }, "2026-01-01T00:00:00Z", ["2026-01-01T14:00:00Z", "2026-01-02T14:00:00Z"]],
    ["New York summer (UTC-4)", { cron: "0 9 * * *", timezone: "America/New_York" }, "2026-07-01T00:00:00Z", ["2026-07-01T13:00:00Z", "2026-07-02T13:00:00Z"]],
    ["London summer, 6 fields", { cron: "15 0 9 * * *", timezone: "Europe/London" }, "2026-07-01T00:00:00Z", ["2026-07-01T08:00:15Z"]],
    ["Kolkata (UTC+5:30), local midnight", { cron: "0 0 * * *", timezone: "Asia/Kolkata" }, "2026-01-01T00:00:00Z", ["2026-01-01T18:30:00Z", "2026-01-02T18:30:00Z"]],
    ["Lord Howe summer (UTC+11)", { cron: "0 12 * * *", timezone: "Australia/Lord_Howe" }, "2026-01-01T00:00:00Z", ["2026-01-01T01:00:00Z", "2026-01-02T01:00:00Z"]],
    ["Lord Howe winter (UTC+10:30)", { cron: "0 12 * * *", timezone: "Australia/Lord_Howe" }, "2026-07-01T00:00:00Z", ["2026-07-01T01:30:00Z", "2026-07-02T01:30:00Z"]],
    ["weekday in the zone, not in UTC", { cron: "0 8 * * 1", timezone: "Pacific/Auckland" }, "2026-01-01T00:00:00Z", ["2026-01-04T19:00:00Z", "2026-01-11T19:00:00Z"]],
  ])("%s", (_name, spec, after, expected) => {
    expect(next(spec, after, expected.length)).toEqual(expected);
  });
});

describe("at", () => {
  it.each<Case>([
    ["02:00 UTC", { at: "02:00" }, "2026-01-01T00:00:00Z", ["2026-01-01T02:00:00Z", "2026-01-02T02:00:00Z", "2026-01-03T02:00:00Z"]],
    ["02:00 New York", { at: "02:00", timezone: "America/New_York" }, "2026-01-01T12:00:00Z", ["2026-01-02T07:00:00Z", "2026-01-03T07:00:00Z"]],
    ["with seconds", { at: "23:59:59", timezone: "Europe/London" }, "2026-07-01T00:00:00Z", ["2026-07-01T22:59:59Z"]],
    ["midnight", { at: "00:00" }, "2026-01-01T00:00:00Z", ["2026-01-02T00:00:00Z"]],
  ])("%s", (_name, spec, after, expected) => {
    expect(next(spec, after, expected.length)).toEqual(expected);
  });
});

describe("interval and every", () => {
  it.each<Case>([
    ["30s from registration", { interval: "30s" }, "2026-01-01T00:00:00Z", ["2026-01-01T00:00:30Z", "2026-01-01T00:01:00Z", "2026-01-01T00:01:30Z"]],
    ["15m keeps the anchor's phase", { interval: "15m", anchor: "2026-01-01T00:05:00Z" }, "2026-01-01T00:20:00Z", ["2026-01-01T00:35:00Z", "2026-01-01T00:50:00Z", "2026-01-01T01:05:00Z"]],
    ["1h, anchor overrides registration", { interval: "1h", anchor: "2026-01-01T00:30:00Z" }, "2026-01-01T05:00:00Z", ["2026-01-01T05:30:00Z", "2026-01-01T06:30:00Z"]],
    ["1h, anchor with an offset", { interval: "1h", anchor: "2026-01-01T09:10:00+05:30" }, "2026-01-01T05:00:00Z", ["2026-01-01T05:40:00Z", "2026-01-01T06:40:00Z"]],
    ["1d is 86400 s, even across a DST change", { interval: "1d", timezone: "America/New_York", anchor: "2026-03-07T12:00:00Z" }, "2026-03-07T12:00:00Z", ["2026-03-08T12:00:00Z", "2026-03-09T12:00:00Z"]],
    ["1w", { interval: "1w" }, "2026-01-20T00:00:00Z", ["2026-01-22T00:00:00Z", "2026-01-29T00:00:00Z"]],
    ["an anchor in the future is the first occurrence", { interval: "1h", anchor: "2026-06-01T00:00:00Z" }, "2026-01-01T00:00:00Z", ["2026-06-01T00:00:00Z", "2026-06-01T01:00:00Z"]],
    ["every 6 hours", { every: { hours: 6 }, anchor: "2026-01-01T01:00:00Z" }, "2026-01-01T12:00:00Z", ["2026-01-01T13:00:00Z", "2026-01-01T19:00:00Z", "2026-01-02T01:00:00Z"]],
    ["every 1 minute 30 seconds", { every: { minutes: 1, seconds: 30 } }, "2026-01-01T00:02:00Z", ["2026-01-01T00:03:00Z", "2026-01-01T00:04:30Z"]],
    ["every 1 week 1 day", { every: { weeks: 1, days: 1 } }, "2026-01-01T00:00:00Z", ["2026-01-09T00:00:00Z", "2026-01-17T00:00:00Z"]],
  ])("%s", (_name, spec, after, expected) => {
    expect(next(spec, after, expected.length)).toEqual(expected);
  });

  it("counts from the registration time passed in", () => {
    const registered = ms("2026-01-01T00:00:07Z");
    expect(nextOccurrences({ interval: "1m" }, ms("2026-01-01T00:10:00Z"), 2, registered).map(iso)).toEqual(["2026-01-01T00:10:07Z", "2026-01-01T00:11:07Z"]);
  });
});

describe("nextOccurrences count", () => {
  it("gives nothing for a count below 1", () => {
    expect(nextOccurrences({ cron: "* * * * *" }, REGISTERED, 0, REGISTERED)).toEqual([]);
  });

  it("gives exactly count occurrences, strictly increasing", () => {
    const times = nextOccurrences({ cron: "*/7 * * * * *", timezone: "Europe/London" }, REGISTERED, 500, REGISTERED);
    expect(times).toHaveLength(500);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThan(times[i - 1]);
  });
});

describe("occurrencesBetween", () => {
  const hourly: ScheduleSpec = { interval: "1h" };
  const from = ms("2026-01-01T00:00:00Z");
  const to = ms("2026-01-01T03:00:00Z");

  it("includes both ends", () => {
    expect(occurrencesBetween(hourly, from, to, REGISTERED, 10)).toEqual({
      times: [ms("2026-01-01T00:00:00Z"), ms("2026-01-01T01:00:00Z"), ms("2026-01-01T02:00:00Z"), ms("2026-01-01T03:00:00Z")],
      truncated: false,
    });
  });

  it("is not truncated when the limit is exactly met", () => {
    expect(occurrencesBetween(hourly, from, to, REGISTERED, 4).truncated).toBe(false);
  });

  it("says when the limit cut the list", () => {
    expect(occurrencesBetween(hourly, from, to, REGISTERED, 2)).toEqual({
      times: [ms("2026-01-01T00:00:00Z"), ms("2026-01-01T01:00:00Z")],
      truncated: true,
    });
  });

  it("works for cron in a zone", () => {
    const r = occurrencesBetween({ cron: "0 9 * * *", timezone: "America/New_York" }, ms("2026-01-01T14:00:00Z"), ms("2026-01-03T13:59:59Z"), REGISTERED, 10);
    expect({ times: r.times.map(iso), truncated: r.truncated }).toEqual({ times: ["2026-01-01T14:00:00Z", "2026-01-02T14:00:00Z"], truncated: false });
  });

  it("is empty for an empty or reversed range", () => {
    expect(occurrencesBetween(hourly, ms("2026-01-01T00:10:00Z"), ms("2026-01-01T00:50:00Z"), REGISTERED, 10)).toEqual({ times: [], truncated: false });
    expect(occurrencesBetween(hourly, to, from, REGISTERED, 10)).toEqual({ times: [], truncated: false });
  });

  it("gives nothing before an interval's anchor", () => {
    const r = occurrencesBetween({ interval: "1h" }, ms("2025-12-31T00:00:00Z"), ms("2026-01-01T01:00:00Z"), REGISTERED, 100);
    expect(r.times.map(iso)).toEqual(["2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z"]);
  });
});
