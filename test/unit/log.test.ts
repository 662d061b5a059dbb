/** Structured log lines: one JSON object per line, gathered into one console call, filtered by LOG_LEVEL, resume tokens out of paths. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { configureLogs, flushLogs, logEvent, loggedPath } from "../../src/observability/log";

afterEach(() => {
  configureLogs(undefined);
  vi.restoreAllMocks();
});

describe("logEvent", () => {
  it("gathers the lines of a turn into one console call, one JSON object per line", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    logEvent("fire", { tenant: "acme", trigger: "t", eventId: "e1", status: "accepted" });
    logEvent("delivery", { tenant: "acme", trigger: "t", deliveryId: "d1", status: "delivered", latencyMs: 12 });
    flushLogs();
    expect(log).toHaveBeenCalledTimes(1);
    const lines = String(log.mock.calls[0][0]).split("\n").map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { msg: "fire", tenant: "acme", trigger: "t", eventId: "e1", status: "accepted" },
      { msg: "delivery", tenant: "acme", trigger: "t", deliveryId: "d1", status: "delivered", latencyMs: 12 },
    ]);
  });

  it("writes warnings with console.warn and drops what is below LOG_LEVEL", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    configureLogs("warn");
    logEvent("fire", { trigger: "t" });
    logEvent("webhook.refused", { trigger: "t", reason: "unauthorized" }, "warn");
    flushLogs();
    expect(log).not.toHaveBeenCalled();
    expect(JSON.parse(String(warn.mock.calls[0][0]))).toEqual({ msg: "webhook.refused", trigger: "t", reason: "unauthorized" });
    configureLogs("none");
    logEvent("webhook.refused", { trigger: "t" }, "warn");
    flushLogs();
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it("replaces resume tokens in logged paths", () => {
    expect(loggedPath("/resume/rtk_secret123")).toBe("/resume/:token");
    expect(loggedPath("/v1/triggers/a")).toBe("/v1/triggers/a");
  });
});
