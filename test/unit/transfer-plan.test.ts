/** Pure planning of import and sync (src/domain/transfer): changes, statuses, prune, conflicts, placeholders, previews. */
import { describe, expect, it } from "vitest";
import { currentOf, exportedTrigger, needsPreview, planTransfer, summarize, validateDefinitions, type Current, type Mode } from "../../src/domain/transfer";

const R = "********";
const RETRY = { maxAttempts: 8, initialBackoffSeconds: 5, maxBackoffSeconds: 3600 };
const IMPORT: Mode = { kind: "import" };
const sync = (o: Partial<{ prune: boolean; adopt: boolean }> = {}): Mode => ({ kind: "sync", source: "code", prune: false, adopt: false, ...o });

/** A stored trigger as its view shows it (redacted). */
function stored(name: string, def: Record<string, unknown>, o: Partial<{ status: string; source: string; subscriptions: Current["subscriptions"] }> = {}): Current {
  const source = o.source ?? "import";
  return currentOf({ name, ...def, source, status: o.status ?? "active", version: 3, subscriptions: o.subscriptions ?? {}, stats: {}, registeredAt: 1 } as never);
}

function plan(entries: unknown[], current: Current[], mode: Mode = IMPORT, owned: string[] = []) {
  const { incoming, problems } = validateDefinitions(entries, { source: mode.kind === "sync" ? mode.source : "import" });
  expect(problems).toEqual([]);
  const byName = new Map<string, Current | null>(incoming.map((t) => [t.name, current.find((c) => c.name === t.name) ?? null]));
  return planTransfer({ incoming, current: byName, owned, mode });
}

describe("planTransfer", () => {
  it("creates what is missing, leaves what is identical and updates what differs", () => {
    const p = plan(
      [{ name: "a", type: "event" }, { name: "b", type: "event", displayName: "B" }, { name: "c", type: "manual", displayName: "new" }],
      [stored("b", { type: "event", displayName: "B" }), stored("c", { type: "manual", displayName: "old" })],
    );
    expect(p.steps.map((s) => [s.name, s.register, s.status])).toEqual([["a", "create", null], ["b", "none", null], ["c", "update", null]]);
    expect(summarize(p)).toMatchObject({ created: ["a"], updated: ["c"], unchanged: ["b"] });
  });

  it("a changed source is an update (the first import of an api trigger)", () => {
    const p = plan([{ name: "a", type: "event" }], [stored("a", { type: "event" }, { source: "api" })]);
    expect(p.steps[0].register).toBe("update");
  });

  it("applies the document's status: retired is retired, active reactivates; a status change alone is an update", () => {
    const p = plan(
      [{ name: "new", type: "event", status: "retired" }, { name: "up", type: "event", status: "retired" }, { name: "back", type: "event", status: "active" }, { name: "same", type: "event", status: "retired" }],
      [stored("up", { type: "event" }), stored("back", { type: "event" }, { status: "retired" }), stored("same", { type: "event" }, { status: "retired" })],
    );
    expect(p.steps.map((s) => s.status)).toEqual(["retire", "retire", "reactivate", null]);
    expect(summarize(p)).toMatchObject({ created: ["new"], updated: ["up", "back"], unchanged: ["same"] });
  });

  it("compares subscriptions as PUT does: default mode and retry, a redacted or missing secret keeps the stored one", () => {
    const subs = {
      h: { mode: "auto", target: { type: "http", url: "https://x.example/", secret: R, headers: { "x-a": R } }, retry: RETRY },
      p: { mode: "manual", target: { type: "pull", startFrom: "now" }, retry: RETRY },
    };
    const cur = stored("a", { type: "event" }, { subscriptions: subs });
    const same = plan([{ name: "a", type: "event", subscriptions: { h: { target: { type: "http", url: "https://x.example/", headers: { "x-a": R } } }, p: subs.p } }], [cur]);
    expect(same.steps[0].subscriptions.map((s) => s.change)).toEqual(["none", "none"]);
    expect(same.problems).toEqual([]);
    const diff = plan([{ name: "a", type: "event", subscriptions: { p: { ...subs.p, mode: "auto" }, q: { target: { type: "pull" } } } }], [cur]);
    expect(summarize(diff).subscriptions).toEqual({ created: ["a/q"], updated: ["a/p"], unchanged: [] });
  });

  it("legacy import (keepTargets): an existing subscription keeps its stored target and retry, only the mode comes from the document", () => {
    const http = { mode: "auto", target: { type: "http", url: "https://x.example/", secret: R }, retry: { ...RETRY, maxAttempts: 2 } };
    const cur = stored("a", { type: "event" }, { subscriptions: { f: http, g: { mode: "auto", target: { type: "pull", startFrom: "now" }, retry: RETRY } } });
    const legacy = { mode: "auto", target: { type: "pull", startFrom: "now" } };
    const entries = [{ name: "a", type: "event", subscriptions: { f: legacy, g: { ...legacy, mode: "manual" } } }];
    const { incoming } = validateDefinitions(entries, { source: "import" });
    const p = planTransfer({ incoming, current: new Map([["a", cur]]), mode: { kind: "import", keepTargets: true } });
    expect(p.problems).toEqual([]);
    expect(p.steps[0].subscriptions.map((s) => [s.flow, s.change, s.body.target.type])).toEqual([["f", "none", "http"], ["g", "update", "pull"]]);
    expect(summarize(p).keptTargets).toEqual(["a/f"]);
  });

  it("a plain secret needs the object's preview, and plans exactly with it", () => {
    const cur = stored("w", { type: "webhook", webhook: { path: "w", auth: { type: "bearer", token: R } } });
    const entries = [{ name: "w", type: "webhook", webhook: { path: "w", auth: { type: "bearer", token: "plain" } } }];
    const first = plan(entries, [cur]);
    expect(first.steps[0].register).toBe("check");
    expect(needsPreview(first)).toEqual(["w"]);
    const { incoming } = validateDefinitions(entries, { source: "import" });
    const again = planTransfer({ incoming, current: new Map([["w", cur]]), mode: IMPORT, previews: new Map([["w", { trigger: false, subscriptions: {} }]]) });
    expect(again.steps[0].register).toBe("none");
    expect(needsPreview(again)).toEqual([]);
  });

  it("a redacted secret with nothing stored under it is a problem, for triggers and subscriptions", () => {
    const p = plan(
      [
        { name: "w", type: "webhook", webhook: { path: "w", auth: { type: "basic", username: "u", password: R } } },
        { name: "e", type: "event", subscriptions: { f: { target: { type: "http", url: "https://x.example/", secret: R } }, g: { target: { type: "http", url: "https://x.example/" } } } },
        { name: "kept", type: "webhook", webhook: { path: "k", auth: { type: "basic", username: "u", password: R } } },
      ],
      [stored("kept", { type: "webhook", webhook: { path: "k", auth: { type: "basic", username: "u", password: R } } })],
    );
    expect(p.problems.map((x) => `${x.name} ${x.path} ${x.kind}`)).toEqual([
      "w webhook.auth.password invalid", "e subscriptions.f.target.secret invalid", "e subscriptions.g.target.secret invalid",
    ]);
  });

  it("conflicts: a type change, two definitions on one path, another source without adopt", () => {
    const p = plan(
      [
        { name: "t", type: "manual" },
        { name: "w1", type: "webhook", webhook: { path: "same", auth: { type: "none" } } },
        { name: "w2", type: "webhook", webhook: { path: "same", auth: { type: "none" } } },
        { name: "api", type: "event" },
      ],
      [stored("t", { type: "event" }, { source: "code" }), stored("api", { type: "event" }, { source: "api" })],
      sync(),
    );
    expect(p.problems.map((x) => `${x.name} ${x.path} ${x.kind}`)).toEqual(["t type conflict", "w2 webhook.path invalid", "api source conflict"]);
    const adopted = plan([{ name: "api", type: "event" }], [stored("api", { type: "event" }, { source: "api" })], sync({ adopt: true }));
    expect(adopted.problems).toEqual([]);
    expect(summarize(adopted).updated).toEqual(["api"]);
  });

  it("prune retires the owned triggers missing from the set, with the source in the reason", () => {
    const p = plan([{ name: "keep", type: "event" }], [], sync({ prune: true }), ["keep", "gone", "also-gone"]);
    expect(p.prune).toEqual(["also-gone", "gone"]);
    expect(p.pruneReason).toBe("removed from code");
    expect(summarize(p).retired).toEqual(["also-gone", "gone"]);
    expect(plan([{ name: "keep", type: "event" }], [], sync(), ["gone"]).prune).toEqual([]);
  });

  it("an exported trigger plans as unchanged against the view it came from", () => {
    const view = {
      name: "x", type: "poll", source: "import", status: "active", version: 2, stats: {}, registeredAt: 1, updatedAt: 2,
      poll: { url: "https://api.example/items", every: "5m", headers: { authorization: R }, state: { paused: false } },
      subscriptions: { f: { mode: "auto", target: { type: "pull" }, retry: RETRY, subscribedAt: 5 } },
    };
    const entry = exportedTrigger(view);
    expect(entry).toEqual({ name: "x", type: "poll", source: "import", status: "active", poll: { url: "https://api.example/items", every: "5m", headers: { authorization: R } }, subscriptions: { f: { mode: "auto", target: { type: "pull" }, retry: RETRY } } });
    const p = plan([entry], [currentOf(view)]);
    expect(summarize(p)).toMatchObject({ unchanged: ["x"], subscriptions: { unchanged: ["x/f"] } });
  });
});
