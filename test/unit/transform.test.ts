import { describe, it, expect } from "vitest";
import { applyTransform, getPointer, validateTransform } from "../../src/domain/transform";

describe("getPointer (RFC 6901)", () => {
  // The examples of RFC 6901 §5.
  const doc = { foo: ["bar", "baz"], "": 0, "a/b": 1, "c%d": 2, "e^f": 3, "g|h": 4, "i\\j": 5, 'k"l': 6, " ": 7, "m~n": 8 };
  it("resolves the RFC examples", () => {
    expect(getPointer(doc, "")).toBe(doc);
    expect(getPointer(doc, "/foo")).toEqual(["bar", "baz"]);
    expect(getPointer(doc, "/foo/0")).toBe("bar");
    expect(getPointer(doc, "/")).toBe(0);
    expect(getPointer(doc, "/a~1b")).toBe(1);
    expect(getPointer(doc, "/c%d")).toBe(2);
    expect(getPointer(doc, "/e^f")).toBe(3);
    expect(getPointer(doc, "/g|h")).toBe(4);
    expect(getPointer(doc, "/i\\j")).toBe(5);
    expect(getPointer(doc, '/k"l')).toBe(6);
    expect(getPointer(doc, "/ ")).toBe(7);
    expect(getPointer(doc, "/m~0n")).toBe(8);
  });
  it("decodes ~01 as ~1, not /", () => {
    expect(getPointer({ "~1": "tilde-one", "/": "slash" }, "/~01")).toBe("tilde-one");
  });
  it("returns undefined for missing or malformed paths", () => {
    expect(getPointer(doc, "/nope")).toBeUndefined();
    expect(getPointer(doc, "/foo/2")).toBeUndefined();
    expect(getPointer(doc, "/foo/01")).toBeUndefined();
    expect(getPointer(doc, "/foo/-")).toBeUndefined();
    expect(getPointer(doc, "/foo/length")).toBeUndefined();
    expect(getPointer(doc, "foo")).toBeUndefined();
    expect(getPointer(doc, "/m~2n")).toBeUndefined();
    expect(getPointer(doc, "/toString")).toBeUndefined();
    expect(getPointer("str", "/0")).toBeUndefined();
  });
  it("returns null values as null", () => {
    expect(getPointer({ a: null }, "/a")).toBeNull();
  });
});

describe("validateTransform", () => {
  it("accepts pointers and header references", () => {
    expect(validateTransform({ pick: { whole: "", id: "/data/id", deep: "/a~1b/0", ev: "$headers.X-GitHub-Event" } })).toEqual([]);
  });
  it("rejects wrong shapes", () => {
    for (const t of [null, [], "x", {}, { pick: [] }, { pick: "x" }, { pick: {} }, { pick: { a: "/a" }, extra: 1 }]) {
      expect(validateTransform(t).length, JSON.stringify(t)).toBeGreaterThan(0);
    }
  });
  it("rejects bad sources, naming the field", () => {
    for (const src of ["data/id", "/a~2", "$headers.", "$headers.bad name", 5, null]) {
      const problems = validateTransform({ pick: { out: src } });
      expect(problems, String(src)).toHaveLength(1);
      expect(problems[0]).toContain("transform.pick.out");
    }
  });
});

describe("applyTransform", () => {
  const body = { data: { id: "evt_1", amount: 0, note: null, nested: { x: [1, 2] } } };
  it("picks pointers and headers, header names compared lowercase", () => {
    const out = applyTransform(
      { pick: { id: "/data/id", amount: "/data/amount", note: "/data/note", second: "/data/nested/x/1", event: "$headers.X-GitHub-Event" } },
      body,
      { "x-github-event": "push" },
    );
    expect(out).toEqual({ id: "evt_1", amount: 0, note: null, second: 2, event: "push" });
  });
  it("matches headers given in mixed case", () => {
    expect(applyTransform({ pick: { e: "$headers.x-event" } }, {}, { "X-Event": "ping" })).toEqual({ e: "ping" });
  });
  it("omits missing values", () => {
    const out = applyTransform({ pick: { id: "/data/id", gone: "/data/nope", h: "$headers.x-missing" } }, body, {});
    expect(out).toEqual({ id: "evt_1" });
    expect(Object.keys(out)).toEqual(["id"]);
  });
  it("can take the whole body", () => {
    expect(applyTransform({ pick: { raw: "" } }, body, {})).toEqual({ raw: body });
  });
  it("keeps a field named __proto__ as plain data", () => {
    const out = applyTransform({ pick: JSON.parse('{"__proto__": "/data/id"}') }, body, {});
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, "__proto__")?.value).toBe("evt_1");
  });
});
