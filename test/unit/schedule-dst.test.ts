/**
 * DST gaps and folds under both policies. Transitions (checked with Intl below):
 * - America/New_York 2026-03-08 07:00Z: 02:00 EST → 03:00 EDT; 2026-11-01 06:00Z: 02:00 EDT → 01:00 EST.
 * - Europe/London 2026-03-29 01:00Z: 01:00 GMT → 02:00 BST; 2026-10-25 01:00Z: 02:00 BST → 01:00 GMT.
 * - Australia/Lord_Howe 2026-04-04 15:00Z: 02:00 (+11) → 01:30 (+10:30); 2026-10-03 15:30Z: 02:00 (+10:30) → 02:30 (+11).
 */
import { describe, expect, it } from "vitest";
import { nextOccurrences, occurrencesBetween, type ScheduleSpec } from "../../src/domain/schedule";

const ms = (iso: string) => Date.parse(iso);
const iso = (t: number) => new Date(t).toISOString().replace(".000Z", "Z");

const formats = new Map<string, Intl.DateTimeFormat>();
function offsetMinutes(zone: string, instant: string): number {
  if (!formats.has(zone)) {
    formats.set(zone, new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric" }));
  }
  const p = Object.fromEntries(formats.get(zone)!.formatToParts(ms(instant)).map((x) => [x.type, x.value]));
  return (Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute) - ms(instant)) / 60_000;
}

describe("the runtime's zone data has the transitions these tests assume", () => {
  it.each<[string, string, number, number]>([
    ["America/New_York", "2026-03-08T07:00:00Z", -300, -240],
    ["America/New_York", "2026-11-01T06:00:00Z", -240, -300],
    ["Europe/London", "2026-03-29T01:00:00Z", 0, 60],
    ["Europe/London", "2026-10-25T01:00:00Z", 60, 0],
    ["Australia/Lord_Howe", "2026-04-04T15:00:00Z", 660, 630],
    ["Australia/Lord_Howe", "2026-10-03T15:30:00Z", 630, 660],
  ])("%s at %s: %i → %i", (zone, at, before, after) => {
    expect(offsetMinutes(zone, new Date(ms(at) - 60_000).toISOString())).toBe(before);
    expect(offsetMinutes(zone, at)).toBe(after);
  });
});

type Case = [name: string, spec: ScheduleSpec, after: string, expected: string[]];
const NY = "America/New_York";
const LONDON = "Europe/London";
const LH = "Australia/Lord_Howe";
const shift = { gap: "shift" } as const;
const skip = { gap: "skip" } as const;
const once = { fold: "once" } as const;
const twice = { fold: "twice" } as const;

function check(spec: ScheduleSpec, after: string, expected: string[]) {
  const got = nextOccurrences(spec, ms(after), expected.length, 0);
  expect(got.map(iso)).toEqual(expected);
}

describe("gap (spring forward)", () => {
  it.each<Case>([
    // New York: 02:00-03:00 does not exist on 2026-03-08.
    ["NY daily 02:30, shift (default) → 03:00 EDT", { cron: "30 2 * * *", timezone: NY }, "2026-03-07T00:00:00Z", ["2026-03-07T07:30:00Z", "2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"]],
    ["NY daily 02:30, shift explicit, 6 fields", { cron: "0 30 2 * * *", timezone: NY, dst: shift }, "2026-03-07T00:00:00Z", ["2026-03-07T07:30:00Z", "2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"]],
    ["NY daily 02:30, skip", { cron: "30 2 * * *", timezone: NY, dst: skip }, "2026-03-07T00:00:00Z", ["2026-03-07T07:30:00Z", "2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z"]],
    ["NY at 02:30, shift", { at: "02:30", timezone: NY }, "2026-03-07T12:00:00Z", ["2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"]],
    ["NY at 02:30:15, skip", { at: "02:30:15", timezone: NY, dst: skip }, "2026-03-07T12:00:00Z", ["2026-03-09T06:30:15Z"]],
    ["NY hourly :30, shift: 03:00 and 03:30", { cron: "30 * * * *", timezone: NY }, "2026-03-08T05:00:00Z", ["2026-03-08T05:30:00Z", "2026-03-08T06:30:00Z", "2026-03-08T07:00:00Z", "2026-03-08T07:30:00Z", "2026-03-08T08:30:00Z"]],
    ["NY hourly :30, skip", { cron: "30 * * * *", timezone: NY, dst: skip }, "2026-03-08T05:00:00Z", ["2026-03-08T05:30:00Z", "2026-03-08T06:30:00Z", "2026-03-08T07:30:00Z", "2026-03-08T08:30:00Z"]],
    ["NY hourly :00, shift: 02:00 lands on 03:00, once", { cron: "0 * * * *", timezone: NY }, "2026-03-08T05:30:00Z", ["2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z", "2026-03-08T08:00:00Z"]],
    ["NY hourly :00, skip", { cron: "0 * * * *", timezone: NY, dst: skip }, "2026-03-08T05:30:00Z", ["2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z", "2026-03-08T08:00:00Z"]],
    ["NY every 20 min, shift: 02:00/02:20/02:40 all land on 03:00", { cron: "*/20 * * * *", timezone: NY }, "2026-03-08T06:30:00Z", ["2026-03-08T06:40:00Z", "2026-03-08T07:00:00Z", "2026-03-08T07:20:00Z"]],
    ["NY every second across the gap", { cron: "* * * * * *", timezone: NY }, "2026-03-08T06:59:58Z", ["2026-03-08T06:59:59Z", "2026-03-08T07:00:00Z", "2026-03-08T07:00:01Z"]],
    ["NY, clock already in the gap's night", { cron: "30 2 * * *", timezone: NY }, "2026-03-08T06:59:59Z", ["2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"]],
    ["NY, clock at the shifted instant", { cron: "30 2 * * *", timezone: NY }, "2026-03-08T07:00:00Z", ["2026-03-09T06:30:00Z"]],
    // London: 01:00-02:00 does not exist on 2026-03-29.
    ["London daily 01:30, shift → 02:00 BST", { cron: "30 1 * * *", timezone: LONDON }, "2026-03-28T00:00:00Z", ["2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"]],
    ["London daily 01:30, skip", { cron: "30 1 * * *", timezone: LONDON, dst: skip }, "2026-03-28T00:00:00Z", ["2026-03-28T01:30:00Z", "2026-03-30T00:30:00Z"]],
    ["London hourly :15, shift", { cron: "15 * * * *", timezone: LONDON }, "2026-03-29T00:00:00Z", ["2026-03-29T00:15:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:15:00Z", "2026-03-29T02:15:00Z"]],
    ["London hourly :15, skip", { cron: "15 * * * *", timezone: LONDON, dst: skip }, "2026-03-29T00:00:00Z", ["2026-03-29T00:15:00Z", "2026-03-29T01:15:00Z", "2026-03-29T02:15:00Z"]],
    // Lord Howe: 02:00-02:30 does not exist on 2026-10-04 (a 30-minute gap).
    ["Lord Howe daily 02:15, shift → 02:30 (+11)", { cron: "15 2 * * *", timezone: LH }, "2026-10-02T00:00:00Z", ["2026-10-02T15:45:00Z", "2026-10-03T15:30:00Z", "2026-10-04T15:15:00Z"]],
    ["Lord Howe daily 02:15, skip", { cron: "15 2 * * *", timezone: LH, dst: skip }, "2026-10-02T00:00:00Z", ["2026-10-02T15:45:00Z", "2026-10-04T15:15:00Z", "2026-10-05T15:15:00Z"]],
    ["Lord Howe daily 02:45 exists on the gap night", { cron: "45 2 * * *", timezone: LH, dst: skip }, "2026-10-03T00:00:00Z", ["2026-10-03T15:45:00Z", "2026-10-04T15:45:00Z"]],
    ["Lord Howe hourly :00, shift: 02:00 → 02:30", { cron: "0 * * * *", timezone: LH }, "2026-10-03T14:00:00Z", ["2026-10-03T14:30:00Z", "2026-10-03T15:30:00Z", "2026-10-03T16:00:00Z"]],
    ["Lord Howe hourly :00, skip", { cron: "0 * * * *", timezone: LH, dst: skip }, "2026-10-03T14:00:00Z", ["2026-10-03T14:30:00Z", "2026-10-03T16:00:00Z", "2026-10-03T17:00:00Z"]],
    ["Lord Howe hourly :30 has no gap time", { cron: "30 * * * *", timezone: LH, dst: skip }, "2026-10-03T14:30:00Z", ["2026-10-03T15:00:00Z", "2026-10-03T15:30:00Z", "2026-10-03T16:30:00Z"]],
    ["Lord Howe every 15 min, shift: 02:00/02:15 land on 02:30", { cron: "*/15 * * * *", timezone: LH }, "2026-10-03T15:00:00Z", ["2026-10-03T15:15:00Z", "2026-10-03T15:30:00Z", "2026-10-03T15:45:00Z", "2026-10-03T16:00:00Z"]],
  ])("%s", (_name, spec, after, expected) => check(spec, after, expected));
});

describe("fold (fall back)", () => {
  it.each<Case>([
    // New York: 01:00-02:00 happens twice on 2026-11-01, first at 05:00-06:00Z (EDT), then 06:00-07:00Z (EST).
    ["NY daily 01:30, once (default) → EDT", { cron: "30 1 * * *", timezone: NY }, "2026-10-31T00:00:00Z", ["2026-10-31T05:30:00Z", "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"]],
    ["NY daily 01:30, twice", { cron: "30 1 * * *", timezone: NY, dst: twice }, "2026-10-31T00:00:00Z", ["2026-10-31T05:30:00Z", "2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z", "2026-11-02T06:30:00Z"]],
    ["NY at 01:30, twice", { at: "01:30", timezone: NY, dst: twice }, "2026-10-31T12:00:00Z", ["2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z", "2026-11-02T06:30:00Z"]],
    ["NY daily 01:30, twice, clock between the two", { cron: "30 1 * * *", timezone: NY, dst: twice }, "2026-11-01T05:45:00Z", ["2026-11-01T06:30:00Z", "2026-11-02T06:30:00Z"]],
    ["NY daily 01:30, once, clock between the two", { cron: "30 1 * * *", timezone: NY, dst: once }, "2026-11-01T05:45:00Z", ["2026-11-02T06:30:00Z"]],
    ["NY daily 02:00 is not in the fold", { cron: "0 2 * * *", timezone: NY, dst: twice }, "2026-10-31T12:00:00Z", ["2026-11-01T07:00:00Z", "2026-11-02T07:00:00Z"]],
    ["NY daily 00:59 is not in the fold", { cron: "59 0 * * *", timezone: NY, dst: twice }, "2026-10-31T12:00:00Z", ["2026-11-01T04:59:00Z", "2026-11-02T05:59:00Z"]],
    ["NY hourly :30, once", { cron: "30 * * * *", timezone: NY }, "2026-11-01T04:00:00Z", ["2026-11-01T04:30:00Z", "2026-11-01T05:30:00Z", "2026-11-01T07:30:00Z", "2026-11-01T08:30:00Z"]],
    ["NY hourly :30, twice", { cron: "30 * * * *", timezone: NY, dst: twice }, "2026-11-01T04:00:00Z", ["2026-11-01T04:30:00Z", "2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z", "2026-11-01T07:30:00Z"]],
    ["NY every 30 min, once", { cron: "*/30 * * * *", timezone: NY, dst: once }, "2026-11-01T04:50:00Z", ["2026-11-01T05:00:00Z", "2026-11-01T05:30:00Z", "2026-11-01T07:00:00Z", "2026-11-01T07:30:00Z"]],
    ["NY every 30 min, twice", { cron: "*/30 * * * *", timezone: NY, dst: twice }, "2026-11-01T04:50:00Z", ["2026-11-01T05:00:00Z", "2026-11-01T05:30:00Z", "2026-11-01T06:00:00Z", "2026-11-01T06:30:00Z", "2026-11-01T07:00:00Z"]],
    // London: 01:00-02:00 happens twice on 2026-10-25, at 00:00-01:00Z (BST) then 01:00-02:00Z (GMT).
    ["London daily 01:30, once", { cron: "30 1 * * *", timezone: LONDON }, "2026-10-24T12:00:00Z", ["2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"]],
    ["London daily 01:30, twice", { cron: "30 1 * * *", timezone: LONDON, dst: twice }, "2026-10-24T12:00:00Z", ["2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z", "2026-10-26T01:30:00Z"]],
    ["London hourly, once", { cron: "0 * * * *", timezone: LONDON, dst: once }, "2026-10-24T23:30:00Z", ["2026-10-25T00:00:00Z", "2026-10-25T02:00:00Z", "2026-10-25T03:00:00Z"]],
    ["London hourly, twice", { cron: "0 * * * *", timezone: LONDON, dst: twice }, "2026-10-24T23:30:00Z", ["2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z", "2026-10-25T02:00:00Z"]],
    // Lord Howe: 01:30-02:00 happens twice on 2026-04-05, at 14:30-15:00Z (+11) then 15:00-15:30Z (+10:30).
    ["Lord Howe daily 01:45, once", { cron: "45 1 * * *", timezone: LH }, "2026-04-03T00:00:00Z", ["2026-04-03T14:45:00Z", "2026-04-04T14:45:00Z", "2026-04-05T15:15:00Z"]],
    ["Lord Howe daily 01:45, twice", { cron: "45 1 * * *", timezone: LH, dst: twice }, "2026-04-03T00:00:00Z", ["2026-04-03T14:45:00Z", "2026-04-04T14:45:00Z", "2026-04-04T15:15:00Z", "2026-04-05T15:15:00Z"]],
    ["Lord Howe daily 01:15 is not in the 30-minute fold", { cron: "15 1 * * *", timezone: LH, dst: twice }, "2026-04-04T00:00:00Z", ["2026-04-04T14:15:00Z", "2026-04-05T14:45:00Z"]],
    ["Lord Howe every 15 min, once", { cron: "*/15 * * * *", timezone: LH, dst: once }, "2026-04-04T14:10:00Z", ["2026-04-04T14:15:00Z", "2026-04-04T14:30:00Z", "2026-04-04T14:45:00Z", "2026-04-04T15:30:00Z", "2026-04-04T15:45:00Z"]],
    ["Lord Howe every 15 min, twice", { cron: "*/15 * * * *", timezone: LH, dst: twice }, "2026-04-04T14:10:00Z", ["2026-04-04T14:15:00Z", "2026-04-04T14:30:00Z", "2026-04-04T14:45:00Z", "2026-04-04T15:00:00Z", "2026-04-04T15:15:00Z", "2026-04-04T15:30:00Z"]],
    ["Lord Howe hourly :45, twice", { cron: "45 * * * *", timezone: LH, dst: twice }, "2026-04-04T13:00:00Z", ["2026-04-04T13:45:00Z", "2026-04-04T14:45:00Z", "2026-04-04T15:15:00Z", "2026-04-04T16:15:00Z"]],
    ["Lord Howe hourly :45, once", { cron: "45 * * * *", timezone: LH, dst: once }, "2026-04-04T13:00:00Z", ["2026-04-04T13:45:00Z", "2026-04-04T14:45:00Z", "2026-04-04T16:15:00Z"]],
  ])("%s", (_name, spec, after, expected) => check(spec, after, expected));
});

describe("a whole local day across a change", () => {
  // Local midnight to the next local midnight, both counted once: [from, to).
  const day = (spec: ScheduleSpec, from: string, to: string) => occurrencesBetween(spec, ms(from), ms(to) - 1, 0, 1000).times.length;

  it.each<[string, ScheduleSpec, string, string, number]>([
    ["NY 23-hour day, shift: 24 fires", { cron: "30 * * * *", timezone: NY, dst: shift }, "2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z", 24],
    ["NY 23-hour day, skip: 23 fires", { cron: "30 * * * *", timezone: NY, dst: skip }, "2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z", 23],
    ["NY 25-hour day, once: 24 fires", { cron: "30 * * * *", timezone: NY, dst: once }, "2026-11-01T04:00:00Z", "2026-11-02T05:00:00Z", 24],
    ["NY 25-hour day, twice: 25 fires", { cron: "30 * * * *", timezone: NY, dst: twice }, "2026-11-01T04:00:00Z", "2026-11-02T05:00:00Z", 25],
    ["Lord Howe 23.5-hour day, every 15 min, shift", { cron: "*/15 * * * *", timezone: LH, dst: shift }, "2026-10-03T13:30:00Z", "2026-10-04T13:00:00Z", 94],
    ["Lord Howe 23.5-hour day, every 15 min, skip", { cron: "*/15 * * * *", timezone: LH, dst: skip }, "2026-10-03T13:30:00Z", "2026-10-04T13:00:00Z", 94],
    ["Lord Howe 24.5-hour day, every 15 min, once", { cron: "*/15 * * * *", timezone: LH, dst: once }, "2026-04-04T13:00:00Z", "2026-04-05T13:30:00Z", 96],
    ["Lord Howe 24.5-hour day, every 15 min, twice", { cron: "*/15 * * * *", timezone: LH, dst: twice }, "2026-04-04T13:00:00Z", "2026-04-05T13:30:00Z", 98],
  ])("%s", (_name, spec, from, to, count) => {
    expect(day(spec, from, to)).toBe(count);
  });
});

describe("against a minute-by-minute oracle around every 2026 change", () => {
  // Walk every minute of a window, read the wall clock with Intl, and fire
  // where the policy says: an independent model of the rules, slow but plain.
  const MIN = 60_000;
  const DAY = 86_400_000;
  const wallAt = (zone: string, t: number) => t + offsetMinutes(zone, new Date(t).toISOString()) * MIN;
  const policies = [{ gap: "shift", fold: "once" }, { gap: "shift", fold: "twice" }, { gap: "skip", fold: "once" }, { gap: "skip", fold: "twice" }] as const;
  const crons: [string, (wall: Date) => boolean][] = [
    ["*/15 * * * *", (w) => w.getUTCMinutes() % 15 === 0],
    ["0 0 * * *", (w) => w.getUTCHours() === 0 && w.getUTCMinutes() === 0],
    ["30 2 * * *", (w) => w.getUTCHours() === 2 && w.getUTCMinutes() === 30],
    ["45 1 * * *", (w) => w.getUTCHours() === 1 && w.getUTCMinutes() === 45],
  ];

  function transitions(zone: string): number[] {
    const found: number[] = [];
    let prev = offsetMinutes(zone, "2026-01-01T00:00:00Z");
    for (let t = ms("2026-01-01T00:00:00Z"); t < ms("2027-01-01T00:00:00Z"); t += 3_600_000) {
      const o = offsetMinutes(zone, new Date(t).toISOString());
      if (o !== prev) found.push(t);
      prev = o;
    }
    return found;
  }

  function oracle(walls: [number, number][], matches: (w: Date) => boolean, dst: (typeof policies)[number], from: number): number[] {
    const out: number[] = [];
    const seen = new Set<number>();
    let prevWall = walls[0][1] - MIN;
    for (const [t, w] of walls) {
      const fire = (at: number) => at >= from && out[out.length - 1] !== at && out.push(at);
      if (dst.gap === "shift") for (let x = prevWall + MIN; x < w; x += MIN) if (matches(new Date(x))) fire(t);
      if (matches(new Date(w)) && (dst.fold === "twice" || !seen.has(w))) fire(t);
      seen.add(w);
      prevWall = w;
    }
    return out;
  }

  for (const zone of [NY, LONDON, LH, "Europe/Dublin", "America/Santiago", "America/Havana", "Pacific/Chatham", "Antarctica/Troll"]) {
    it(`${zone}: both changes, four policies, four crons`, () => {
      const changes = transitions(zone);
      expect(changes).toHaveLength(2);
      for (const change of changes) {
        const from = change - 2 * DAY;
        const to = change + 2 * DAY;
        // A day of lead-in so the oracle has seen the first instance of a folded time.
        const walls: [number, number][] = [];
        for (let t = from - DAY; t <= to; t += MIN) walls.push([t, wallAt(zone, t)]);
        for (const dst of policies) {
          for (const [cron, matches] of crons) {
            const got = occurrencesBetween({ cron, timezone: zone, dst }, from, to, 0, 10_000).times;
            const want = oracle(walls, matches, dst, from);
            expect(got.map(iso), `${cron} ${JSON.stringify(dst)} around ${iso(change)}`).toEqual(want.map(iso));
          }
        }
      }
    });
  }

  it("nextOccurrences pages agree with one long run", () => {
    const spec: ScheduleSpec = { cron: "*/10 1,2 * * *", timezone: NY, dst: { fold: "twice" } };
    const long = nextOccurrences(spec, ms("2026-10-30T00:00:00Z"), 60, 0);
    const paged: number[] = [];
    let after = ms("2026-10-30T00:00:00Z");
    while (paged.length < 60) {
      const [t] = nextOccurrences(spec, after, 1, 0);
      paged.push(t);
      after = t;
    }
    expect(paged).toEqual(long);
  });
});
