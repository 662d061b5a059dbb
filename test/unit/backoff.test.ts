import { describe, it, expect } from "vitest";
import { DEFAULT_RETRY, classifyResponse, decideAttempt, nextDelaySeconds, parseRetryAfter, shouldGiveUp } from "../../src/domain/backoff";
import { backoffOf, OUTBOX_MAX_BACKOFF_MS } from "../../src/domain/outbox-backoff";

describe("classifyResponse", () => {
  it("delivers 2xx", () => {
    for (const s of [200, 201, 202, 204, 299]) expect(classifyResponse(s), String(s)).toBe("delivered");
  });
  it("retries timeouts, network errors, 408, 429 and 5xx", () => {
    for (const s of [null, 408, 429, 500, 502, 503, 599]) expect(classifyResponse(s), String(s)).toBe("retry");
  });
  it("fails redirects and other 4xx at once", () => {
    for (const s of [100, 301, 302, 307, 400, 401, 403, 404, 410, 422, 600]) expect(classifyResponse(s), String(s)).toBe("fail");
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2015-10-21T07:27:00Z");
  it("reads delta-seconds", () => {
    expect(parseRetryAfter("120", now)).toBe(120);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
  });
  it("reads HTTP-dates, past ones as 0", () => {
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", now)).toBe(60);
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:27:00 GMT", now + 500)).toBe(0);
    expect(parseRetryAfter("Tue, 20 Oct 2015 07:28:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("Wednesday, 21-Oct-15 07:28:30 GMT", now)).toBe(90);
  });
  it("gives null for absent or garbage values", () => {
    for (const v of [null, "", "soon", "-5", "1.5", "12abc", "2015-10-21"]) expect(parseRetryAfter(v, now), String(v)).toBeNull();
  });
});

describe("nextDelaySeconds", () => {
  it("doubles from the initial backoff with equal jitter", () => {
    // base = 5 * 2^(n-1); delay in [base/2, base]
    expect(nextDelaySeconds(1, DEFAULT_RETRY, 0)).toBe(3);
    expect(nextDelaySeconds(1, DEFAULT_RETRY, 0.999)).toBe(5);
    expect(nextDelaySeconds(3, DEFAULT_RETRY, 0)).toBe(10);
    expect(nextDelaySeconds(3, DEFAULT_RETRY, 0.5)).toBe(15);
    expect(nextDelaySeconds(4, DEFAULT_RETRY, 0.999)).toBe(40);
  });
  it("caps at maxBackoffSeconds, also for huge attempt numbers", () => {
    expect(nextDelaySeconds(20, DEFAULT_RETRY, 0.999)).toBe(3599);
    expect(nextDelaySeconds(20, DEFAULT_RETRY, 0.9999999)).toBe(3600);
    expect(nextDelaySeconds(20, DEFAULT_RETRY, 0)).toBe(1800);
    expect(nextDelaySeconds(5000, DEFAULT_RETRY, 0.5)).toBe(2700);
  });
  it("stays within [base/2, base] for any random value", () => {
    for (let attempt = 1; attempt <= 12; attempt++) {
      const base = Math.min(3600, 5 * 2 ** (attempt - 1));
      for (const r of [0, 0.1, 0.37, 0.5, 0.81, 0.9999]) {
        const d = nextDelaySeconds(attempt, DEFAULT_RETRY, r);
        expect(Number.isInteger(d)).toBe(true);
        expect(d).toBeGreaterThanOrEqual(Math.ceil(base / 2));
        expect(d).toBeLessThanOrEqual(base);
      }
    }
  });
  it("is at least one second", () => {
    expect(nextDelaySeconds(1, { maxAttempts: 3, initialBackoffSeconds: 1, maxBackoffSeconds: 1 }, 0)).toBe(1);
  });
  it("honours Retry-After exactly, capped and at least 1", () => {
    expect(nextDelaySeconds(1, DEFAULT_RETRY, 0.9, 120)).toBe(120);
    expect(nextDelaySeconds(6, DEFAULT_RETRY, 0.9, 2)).toBe(2);
    expect(nextDelaySeconds(1, DEFAULT_RETRY, 0.9, 0)).toBe(1);
    expect(nextDelaySeconds(1, DEFAULT_RETRY, 0.9, 1e9)).toBe(3600);
    expect(nextDelaySeconds(1, DEFAULT_RETRY, 0, null)).toBe(3);
  });
});

describe("shouldGiveUp", () => {
  it("gives up once maxAttempts attempts were made", () => {
    expect(shouldGiveUp(7, DEFAULT_RETRY)).toBe(false);
    expect(shouldGiveUp(8, DEFAULT_RETRY)).toBe(true);
    expect(shouldGiveUp(1, { ...DEFAULT_RETRY, maxAttempts: 1 })).toBe(true);
  });
});

describe("decideAttempt", () => {
  const policy = { maxAttempts: 3, initialBackoffSeconds: 5, maxBackoffSeconds: 60 };
  it("2xx is delivered on any attempt", () => {
    expect(decideAttempt(204, null, 3, policy, 0)).toEqual({ status: "delivered" });
  });
  it("a 4xx other than 408/429 fails at once, even with attempts left", () => {
    expect(decideAttempt(404, null, 1, policy, 0)).toEqual({ status: "failed" });
  });
  it("retryable answers retry with backoff until the last attempt, then die", () => {
    expect(decideAttempt(503, null, 1, policy, 0)).toEqual({ status: "retry", delaySeconds: 3 });
    expect(decideAttempt(null, null, 2, policy, 1)).toEqual({ status: "retry", delaySeconds: 10 });
    expect(decideAttempt(500, null, 3, policy, 0)).toEqual({ status: "dead" });
  });
  it("Retry-After is honoured within the policy's cap", () => {
    expect(decideAttempt(429, 30, 1, policy, 0)).toEqual({ status: "retry", delaySeconds: 30 });
    expect(decideAttempt(429, 3600, 1, policy, 0)).toEqual({ status: "retry", delaySeconds: 60 });
  });
});

describe("outbox backoff", () => {
  it("doubles from a second and stays at the cap for as long as a row fails (never parked)", () => {
    expect([0, 1, 2, 3].map(backoffOf)).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffOf(8)).toBe(256_000);
    for (const n of [9, 20, 100, 10_000]) expect(backoffOf(n)).toBe(OUTBOX_MAX_BACKOFF_MS);
    expect(OUTBOX_MAX_BACKOFF_MS).toBe(300_000);
  });
});
