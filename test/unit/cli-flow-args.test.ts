/** The flow commands' flags: `50/1s` rates, `5/30s` breakers, `1h`/ISO/ms times, and the policy `set` sends. */
import { describe, it, expect } from "vitest";
import { durationMs, parseBreaker, parseConcurrency, parseRate, parseTime, policyFromFlags } from "../../src/cli/flow-args";
import { formatPeriod, policySummary } from "../../src/cli/flow-text";
import { UsageError } from "../../src/cli/output";

const NOW = Date.parse("2026-07-01T12:00:00Z");

describe("--rate and --breaker", () => {
  it("read <count>/<period> with s, m, h, a bare unit or bare seconds", () => {
    expect(parseRate("50/1s")).toEqual({ limit: 50, periodSeconds: 1 });
    expect(parseRate("50/s")).toEqual({ limit: 50, periodSeconds: 1 });
    expect(parseRate("1000/1m")).toEqual({ limit: 1000, periodSeconds: 60 });
    expect(parseRate("10/90s")).toEqual({ limit: 10, periodSeconds: 90 });
    expect(parseRate("10/1m30s")).toEqual({ limit: 10, periodSeconds: 90 });
    expect(parseRate("100000/1h")).toEqual({ limit: 100_000, periodSeconds: 3600 });
    expect(parseRate("7/30")).toEqual({ limit: 7, periodSeconds: 30 });
    expect(parseBreaker("5/30s")).toEqual({ failureThreshold: 5, cooldownSeconds: 30 });
    expect(parseBreaker("1000/1h")).toEqual({ failureThreshold: 1000, cooldownSeconds: 3600 });
  });

  it.each(["50", "50/", "/1s", "0/1s", "100001/1s", "50/0s", "50/2h", "50/3601", "50/500ms", "50/1.5s", "-1/1s", "5.5/1s", "50/1x", "fifty/1s", ""])(
    "--rate %j is a usage error naming the flag and the format",
    (v) => {
      expect(() => parseRate(v)).toThrow(UsageError);
      expect(() => parseRate(v)).toThrow(/^--rate must be <limit>\/<period> like 50\/1s/);
    },
  );

  it("a breaker's bounds are 1-1000 failures and 1 s to 1 h", () => {
    for (const v of ["0/30s", "1001/30s", "5/0s", "5/61m", "5"]) expect(() => parseBreaker(v), v).toThrow(/^--breaker must be <failures>\/<cooldown>/);
  });

  it("--concurrency is a whole number from 1 to 1000", () => {
    expect(parseConcurrency("4")).toBe(4);
    expect(parseConcurrency("1000")).toBe(1000);
    for (const v of ["0", "1001", "2.5", "-1", "four", ""]) expect(() => parseConcurrency(v), v).toThrow(/^--concurrency must be a whole number from 1 to 1000/);
  });

  it("the summary writes the policy back in the flags' notation", () => {
    const policy = { rateLimit: parseRate("50/1s"), concurrency: 4, breaker: parseBreaker("5/30s") };
    expect(policySummary(policy)).toBe("rate 50/1s · conc 4 · breaker 5/30s");
    expect(policySummary({ rateLimit: { limit: 10, periodSeconds: 3600 } })).toBe("rate 10/1h");
    expect(policySummary({ paused: true })).toBe("-");
    expect(policySummary({})).toBe("-");
    for (let s = 1; s <= 3600; s++) expect(parseRate(`1/${formatPeriod(s)}`).periodSeconds).toBe(s);
  });
});

describe("the policy `set` sends", () => {
  it("is exactly what the flags name (PUT replaces the whole policy)", () => {
    expect(policyFromFlags({ rate: "50/1s" })).toEqual({ rateLimit: { limit: 50, periodSeconds: 1 } });
    expect(policyFromFlags({ rate: "50/1s", concurrency: "4", breaker: "5/30s", paused: true })).toEqual({
      rateLimit: { limit: 50, periodSeconds: 1 }, concurrency: 4, breaker: { failureThreshold: 5, cooldownSeconds: 30 }, paused: true,
    });
    expect(policyFromFlags({ clear: true })).toEqual({});
  });

  it("refuses no flag at all, --clear with another flag, and any bad value", () => {
    expect(() => policyFromFlags({})).toThrow(/set needs --rate, --concurrency, --breaker or --paused .* or --clear/);
    expect(() => policyFromFlags({ clear: true, rate: "5/1s" })).toThrow(/--clear .* takes no other policy flag \(got --rate\)/);
    expect(() => policyFromFlags({ rate: "5/1s", concurrency: "0" })).toThrow(/--concurrency/);
  });
});

describe("--since / --until", () => {
  it("a duration ago, relative to the clock passed in", () => {
    expect(parseTime("1h", NOW, "since")).toBe(NOW - 3_600_000);
    expect(parseTime("30m", NOW, "since")).toBe(NOW - 1_800_000);
    expect(parseTime("1h30m", NOW, "since")).toBe(NOW - 5_400_000);
    expect(parseTime("2d", NOW, "since")).toBe(NOW - 2 * 86_400_000);
    expect(parseTime("90s", NOW, "since")).toBe(NOW - 90_000);
    expect(durationMs("1w")).toBe(604_800_000);
    expect(durationMs("1y")).toBeNull();
  });

  it("an ISO time (with an offset, or a date alone as UTC midnight) or epoch ms", () => {
    expect(parseTime("2026-06-30T10:00:00Z", NOW, "since")).toBe(Date.parse("2026-06-30T10:00:00Z"));
    expect(parseTime("2026-06-30T12:00:00+02:00", NOW, "since")).toBe(Date.parse("2026-06-30T10:00:00Z"));
    expect(parseTime("2026-06-30T10:00:00.250Z", NOW, "since")).toBe(Date.parse("2026-06-30T10:00:00Z") + 250);
    expect(parseTime("2026-06-30", NOW, "until")).toBe(Date.parse("2026-06-30T00:00:00Z"));
    expect(parseTime("1782900000000", NOW, "since")).toBe(1_782_900_000_000);
    expect(parseTime("0", NOW, "since")).toBe(0);
  });

  it.each(["yesterday", "-1h", "1 h", "1.5h", "2026-13-45", "2026-06-30T25:00:00Z", "June 30", "1h ago", ""])(
    "%j is a usage error naming the flag",
    (v) => {
      expect(() => parseTime(v, NOW, "until")).toThrow(UsageError);
      expect(() => parseTime(v, NOW, "until")).toThrow(/^--until must be a duration ago \(30m, 1h, 2d\), an ISO time .* or epoch ms, got/);
    },
  );
});
