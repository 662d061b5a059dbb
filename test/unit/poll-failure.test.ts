/** Poll failure policy: classification, backoff with jitter and Retry-After, pausing, and the poll.failed / poll.recovered events. */
import { describe, expect, it } from "vitest";
import {
  MAX_POLL_RETRY_MS, applyPollOutcome, classifyPollOutcome, describeOutcome, initialPollState, pollRetryDelayMs, unpausePollState,
  type PollOutcome, type PollState,
} from "../../src/domain/poll/failure";

const res = (status: number, retryAfter?: string): PollOutcome => ({ kind: "response", status, retryAfter });
const NOW = Date.parse("2026-01-01T00:00:00Z");
const ctx = { nowMs: NOW, periodMs: 60_000, random: 0 };

describe("classifyPollOutcome", () => {
  it("is ok for 2xx", () => {
    for (const s of [200, 201, 204, 299]) expect(classifyPollOutcome(res(s)), String(s)).toBe("ok");
  });
  it("retries 408, 429, 5xx, timeouts, network errors and unreadable answers", () => {
    for (const s of [408, 429, 500, 502, 503, 504, 599]) expect(classifyPollOutcome(res(s)), String(s)).toBe("retry");
    expect(classifyPollOutcome({ kind: "timeout", timeoutMs: 10_000 })).toBe("retry");
    expect(classifyPollOutcome({ kind: "network", message: "connection reset" })).toBe("retry");
    expect(classifyPollOutcome({ kind: "invalid", status: 200, message: "not JSON" })).toBe("retry");
  });
  it("pauses on other 4xx, and on redirects and 1xx, which are not followed", () => {
    for (const s of [400, 401, 403, 404, 410, 422, 301, 302, 100]) expect(classifyPollOutcome(res(s)), String(s)).toBe("pause");
  });
});

describe("pollRetryDelayMs", () => {
  it("doubles from the period with equal jitter", () => {
    // base = period * 2^(n-1); delay in [base/2, base], floored at the period
    expect(pollRetryDelayMs(1, 60_000, 0, null, NOW)).toBe(60_000);
    expect(pollRetryDelayMs(1, 60_000, 0.999, null, NOW)).toBe(60_000);
    expect(pollRetryDelayMs(2, 60_000, 0, null, NOW)).toBe(60_000);
    expect(pollRetryDelayMs(2, 60_000, 0.999, null, NOW)).toBe(120_000);
    expect(pollRetryDelayMs(3, 60_000, 0, null, NOW)).toBe(120_000);
    expect(pollRetryDelayMs(3, 60_000, 0.5, null, NOW)).toBe(180_000);
    expect(pollRetryDelayMs(4, 60_000, 0.999, null, NOW)).toBe(480_000);
  });
  it("spreads retries with the random number it is given", () => {
    const delays = [0, 0.25, 0.5, 0.75].map((r) => pollRetryDelayMs(5, 10_000, r, null, NOW));
    expect(new Set(delays).size).toBe(4);
    for (const d of delays) expect(d).toBeGreaterThanOrEqual(80_000);
    for (const d of delays) expect(d).toBeLessThanOrEqual(160_000);
  });
  it("is capped at an hour, or at the period when that is longer", () => {
    expect(MAX_POLL_RETRY_MS).toBe(3_600_000);
    // the jitter applies under the cap: [cap/2, cap]
    expect(pollRetryDelayMs(30, 60_000, 0, null, NOW)).toBe(1_800_000);
    expect(pollRetryDelayMs(30, 60_000, 0.999, null, NOW)).toBe(3_599_000);
    expect(pollRetryDelayMs(1000, 5_000, 0.9, null, NOW)).toBe(3_420_000);
    expect(pollRetryDelayMs(3, 86_400_000, 0.9, null, NOW)).toBe(86_400_000);
    expect(pollRetryDelayMs(10, 60_000, 0.999, null, NOW, 600_000)).toBe(600_000);
  });
  it("honours Retry-After in seconds or as an HTTP date, never sooner than the period and capped", () => {
    expect(pollRetryDelayMs(1, 60_000, 0, "120", NOW)).toBe(120_000);
    expect(pollRetryDelayMs(6, 60_000, 0.9, "120", NOW)).toBe(120_000);
    expect(pollRetryDelayMs(1, 60_000, 0, "5", NOW)).toBe(60_000);
    expect(pollRetryDelayMs(1, 60_000, 0, "Thu, 01 Jan 2026 00:10:00 GMT", NOW)).toBe(600_000);
    expect(pollRetryDelayMs(1, 60_000, 0, "Wed, 31 Dec 2025 23:00:00 GMT", NOW)).toBe(60_000);
    expect(pollRetryDelayMs(1, 60_000, 0, "86400", NOW)).toBe(3_600_000);
    expect(pollRetryDelayMs(2, 60_000, 0, "soon", NOW)).toBe(60_000);
  });
});

describe("applyPollOutcome", () => {
  it("records a plain success without an event and follows the schedule", () => {
    const r = applyPollOutcome(initialPollState(), res(200), ctx);
    expect(r).toEqual({ state: { lastPolledAt: NOW, lastStatus: 200, lastError: null, consecutiveFailures: 0, paused: false }, event: null, retryAt: null });
  });

  it("counts consecutive failures, one poll.failed each, with growing retries", () => {
    let state: PollState = initialPollState();
    const events = [];
    const retries = [];
    for (const outcome of [res(503), { kind: "timeout", timeoutMs: 10_000 } as const, { kind: "network", message: "connection refused" } as const, res(429, "300")]) {
      const r = applyPollOutcome(state, outcome, { ...ctx, random: 0.999 });
      state = r.state;
      events.push(r.event);
      retries.push(r.retryAt! - NOW);
    }
    expect(events).toEqual([
      { type: "poll.failed", data: { status: 503, error: "HTTP 503", attempt: 1 } },
      { type: "poll.failed", data: { status: null, error: "timed out after 10000 ms", attempt: 2 } },
      { type: "poll.failed", data: { status: null, error: "connection refused", attempt: 3 } },
      { type: "poll.failed", data: { status: 429, error: "HTTP 429", attempt: 4 } },
    ]);
    expect(retries).toEqual([60_000, 120_000, 240_000, 300_000]);
    expect(state).toEqual({ lastPolledAt: NOW, lastStatus: 429, lastError: "HTTP 429", consecutiveFailures: 4, paused: false });
  });

  it("sets lastStatus to null for a network error or timeout, and lastError says which", () => {
    expect(applyPollOutcome(initialPollState(), { kind: "timeout", timeoutMs: 500 }, ctx).state).toMatchObject({ lastStatus: null, lastError: "timed out after 500 ms" });
    expect(applyPollOutcome(initialPollState(), { kind: "network", message: "network error: connection refused" }, ctx).state).toMatchObject({ lastStatus: null, lastError: "network error: connection refused" });
    expect(applyPollOutcome(initialPollState(), { kind: "invalid", status: 200, message: "the answer is not JSON" }, ctx)).toMatchObject({
      state: { lastStatus: 200, consecutiveFailures: 1 },
      event: { type: "poll.failed", data: { status: 200, error: "the answer is not JSON", attempt: 1 } },
    });
  });

  it("emits poll.recovered once, on the first success after failures", () => {
    const failing: PollState = { lastPolledAt: NOW - 1, lastStatus: 500, lastError: "HTTP 500", consecutiveFailures: 3, paused: false };
    const r = applyPollOutcome(failing, res(200), ctx);
    expect(r.event).toEqual({ type: "poll.recovered", data: { status: 200, error: null, attempt: 4 } });
    expect(r.state).toMatchObject({ consecutiveFailures: 0, lastError: null });
    expect(applyPollOutcome(r.state, res(200), ctx).event).toBeNull();
  });

  it("pauses on other 4xx: poll.failed with paused: true and no retry", () => {
    const r = applyPollOutcome(initialPollState(), res(401), ctx);
    expect(r).toEqual({
      state: { lastPolledAt: NOW, lastStatus: 401, lastError: "HTTP 401", consecutiveFailures: 1, paused: true },
      event: { type: "poll.failed", data: { status: 401, error: "HTTP 401", attempt: 1, paused: true } },
      retryAt: null,
    });
    expect("paused" in (applyPollOutcome(initialPollState(), res(500), ctx).event!.data)).toBe(false);
  });

  it("resumes from scratch after the trigger is updated", () => {
    const paused: PollState = { lastPolledAt: NOW, lastStatus: 404, lastError: "HTTP 404", consecutiveFailures: 2, paused: true };
    expect(unpausePollState(paused)).toEqual({ lastPolledAt: NOW, lastStatus: 404, lastError: "HTTP 404", consecutiveFailures: 0, paused: false });
    expect(paused.paused).toBe(true);
  });

  it("does not change the state it was given", () => {
    const s = initialPollState();
    applyPollOutcome(s, res(500), ctx);
    expect(s).toEqual(initialPollState());
  });
});

describe("describeOutcome", () => {
  it("is short and names what happened", () => {
    expect(describeOutcome(res(502))).toBe("HTTP 502");
    expect(describeOutcome({ kind: "network", message: "" })).toBe("network error");
  });
});
