/** Validation of import and sync definitions (src/domain/transfer/validate.ts): every problem, named by trigger and path. */
import { describe, expect, it } from "vitest";
import { validateDefinitions } from "../../src/domain/transfer";

const R = "********";

describe("validateDefinitions", () => {
  it("takes an exported trigger: name, status and subscriptions around the PUT body; the caller's source", () => {
    const { incoming, problems } = validateDefinitions(
      [{ name: "a", type: "event", source: "api", status: "retired", subscriptions: { f: { mode: "manual", target: { type: "pull" }, subscribedAt: 1 } } }],
      { source: "import" },
    );
    expect(problems).toEqual([]);
    expect(incoming).toEqual([{ name: "a", def: { type: "event", source: "import" }, status: "retired", subscriptions: [{ flow: "f", body: { mode: "manual", target: { type: "pull" } }, redactedSecret: false }] }]);
  });

  it("removes a redacted subscription secret before the schema sees it, and remembers it", () => {
    const { incoming, problems } = validateDefinitions([{ name: "a", type: "event", subscriptions: { f: { target: { type: "http", url: "https://x.example/", secret: R } } } }], { source: "import" });
    expect(problems).toEqual([]);
    expect(incoming[0].subscriptions[0]).toEqual({ flow: "f", body: { target: { type: "http", url: "https://x.example/" } }, redactedSecret: true });
  });

  it("lists every problem of every definition, and keeps only the valid ones", () => {
    const { incoming, problems } = validateDefinitions(
      [
        { name: "ok", type: "event" },
        "not an object",
        { name: "bad name!", type: "event" },
        { name: "ok", type: "event" },
        { name: "s", type: "schedule", status: "paused", extra: 1 },
        { name: "sub", type: "event", subscriptions: { f: { target: { type: "queue", queue: "NOPE" }, retry: { initialBackoffSeconds: 60, maxBackoffSeconds: 10 } }, g: 5 } },
      ],
      { source: "code", checkTarget: (t) => (t.type === "queue" ? { path: "target.queue", message: `no queue ${t.queue}` } : null) },
    );
    expect(incoming.map((t) => t.name)).toEqual(["ok"]);
    expect(problems.map((p) => `${p.name} | ${p.path}`)).toEqual([
      "#1 | ",
      "bad name! | name",
      "ok | name",
      "s | status",
      "s | ",
      "s | schedule",
      "sub | subscriptions.f.retry.maxBackoffSeconds",
      "sub | subscriptions.f.target.queue",
      "sub | subscriptions.g",
    ]);
    expect(problems.every((p) => p.kind === "invalid" && p.message.length > 0)).toBe(true);
  });

  it("rejects a source that is not a name", () => {
    const { problems } = validateDefinitions([{ name: "a", type: "event" }], { source: "no spaces" });
    expect(problems.map((p) => p.path)).toEqual(["source"]);
  });
});
