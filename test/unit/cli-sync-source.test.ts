/** `signalbox sync`: which source a file syncs (the file's own wins over the default, --source over both), and the flow policies it carries. */
import { describe, it, expect } from "vitest";
import { definitionsOf, syncSource } from "../../src/cli/definitions-document";
import { UsageError } from "../../src/cli/output";

describe("sync source", () => {
  it("a file shaped like the sync body keeps its source; --source wins over it; code is the default", () => {
    const doc = definitionsOf({ source: "billing-service", triggers: [{ name: "a", type: "event" }] }, "t.json");
    expect(doc).toEqual({ triggers: [{ name: "a", type: "event" }], source: "billing-service" });
    expect(syncSource(undefined, doc.source)).toBe("billing-service");
    expect(syncSource("other", doc.source)).toBe("other");
    expect(syncSource(undefined, definitionsOf([{ name: "a", type: "event" }], "t.json").source)).toBe("code");
  });

  it("a module's `source` export names its source; an object inside the default export wins over it", () => {
    expect(definitionsOf([{ name: "a" }], "m.mjs", { source: "billing" }).source).toBe("billing");
    expect(definitionsOf({ a: { type: "event" } }, "m.mjs", { source: "billing" })).toEqual({ triggers: [{ name: "a", type: "event" }], source: "billing" });
    expect(definitionsOf({ source: "inner", triggers: [] }, "m.mjs", { source: "outer" }).source).toBe("inner");
  });

  it("an export document (no source) syncs as code; a bad source in the file or api/import is a usage error", () => {
    expect(definitionsOf({ format: "signalbox.v1", tenant: "acme", triggers: [] }, "e.json").source).toBeUndefined();
    expect(() => definitionsOf({ source: 7, triggers: [] }, "t.json")).toThrow(UsageError);
    expect(() => syncSource(undefined, "api")).toThrow(UsageError);
    expect(() => syncSource("import", "billing")).toThrow(UsageError);
  });

  it("flow policies come from the document's `flows` (a sync body, an export) or the module's `flows` export; none when neither has them", () => {
    const flows = { billing: { concurrency: 2 } };
    expect(definitionsOf({ source: "billing-service", triggers: [], flows }, "t.json")).toEqual({ triggers: [], flows, source: "billing-service" });
    expect(definitionsOf({ format: "signalbox.v1", tenant: "acme", triggers: [], flows }, "e.json").flows).toEqual(flows);
    expect(definitionsOf([{ name: "a", type: "event" }], "m.mjs", { flows })).toEqual({ triggers: [{ name: "a", type: "event" }], flows });
    expect(definitionsOf({ a: { type: "event" } }, "m.mjs", { flows }).flows).toEqual(flows);
    expect(definitionsOf({ triggers: [], flows: { inner: {} } }, "m.mjs", { flows }).flows).toEqual({ inner: {} });
    expect("flows" in definitionsOf([{ name: "a", type: "event" }], "t.json")).toBe(false);
  });
});
