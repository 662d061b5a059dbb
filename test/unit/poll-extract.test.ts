/** Reading a poll answer: items and ids, the per-poll limit, problems, duplicates and the cursor. */
import { describe, expect, it } from "vitest";
import { MAX_ITEMS_PER_POLL, extractItems, normaliseId } from "../../src/domain/poll/extract";

describe("extractItems", () => {
  it("reads an array answer with ids at /id by default", () => {
    const r = extractItems([{ id: "a", n: 1 }, { id: "b", n: 2 }], {});
    expect(r).toEqual({ ok: true, items: [{ id: "a", item: { id: "a", n: 1 } }, { id: "b", item: { id: "b", n: 2 } }], leftOver: 0, problems: [], duplicates: 0, nextCursor: null });
  });

  it("follows itemsPointer and idPointer, escapes included", () => {
    const body = { data: { "page/items": [{ meta: { uid: 1 } }, { meta: { uid: 2 } }] } };
    const r = extractItems(body, { itemsPointer: "/data/page~1items", idPointer: "/meta/uid" });
    expect(r.ok && r.items.map((i) => i.id)).toEqual(["1", "2"]);
  });

  it("takes a list of plain ids with idPointer \"\"", () => {
    const r = extractItems(["x", 7], { idPointer: "" });
    expect(r.ok && r.items).toEqual([{ id: "x", item: "x" }, { id: "7", item: 7 }]);
  });

  it("normalises numeric ids to strings, so 7 and \"7\" are one item", () => {
    const r = extractItems([{ id: 7 }, { id: "7" }, { id: 1.5 }, { id: -0 }], {});
    expect(r.ok && r.items.map((i) => i.id)).toEqual(["7", "1.5", "0"]);
    expect(r.ok && r.duplicates).toBe(1);
  });

  it("collapses duplicates inside one page, keeping the first", () => {
    const r = extractItems([{ id: "a", v: 1 }, { id: "b" }, { id: "a", v: 2 }, { id: "a", v: 3 }], {});
    expect(r.ok && r.items).toEqual([{ id: "a", item: { id: "a", v: 1 } }, { id: "b", item: { id: "b" } }]);
    expect(r.ok && r.duplicates).toBe(2);
  });

  it("reports every item without a usable id, by index, and keeps the others", () => {
    const body = [{ id: "ok" }, { name: "no id" }, { id: null }, { id: { nested: 1 } }, { id: "" }, { id: true }, "str", { id: "x".repeat(1025) }, { id: "ok2" }];
    const r = extractItems(body, {});
    if (!r.ok) throw new Error(r.error);
    expect(r.items.map((i) => i.id)).toEqual(["ok", "ok2"]);
    expect(r.problems.map((p) => p.index)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(r.problems[0]).toEqual({ index: 1, message: 'item 1: no id at idPointer "/id"' });
    expect(r.problems[1].message).toMatch(/is null, not a string or number/);
    expect(r.problems[2].message).toMatch(/is an object/);
    expect(r.problems[3].message).toMatch(/empty string/);
    expect(r.problems[4].message).toMatch(/a boolean/);
    expect(r.problems[6].message).toMatch(/longer than 1024/);
  });

  it("reads at most 1,000 items and says how many were left", () => {
    const body = { items: Array.from({ length: 1234 }, (_, i) => ({ id: i })) };
    const r = extractItems(body, { itemsPointer: "/items" });
    if (!r.ok) throw new Error(r.error);
    expect(MAX_ITEMS_PER_POLL).toBe(1000);
    expect(r.items).toHaveLength(1000);
    expect(r.items.at(-1)!.id).toBe("999");
    expect(r.leftOver).toBe(234);
    const small = extractItems([{ id: 1 }, { id: 2 }, { id: 3 }], {}, 2);
    expect(small.ok && [small.items.length, small.leftOver]).toEqual([2, 1]);
  });

  it("counts problem items toward the limit (they were read)", () => {
    const r = extractItems([{}, { id: 1 }, { id: 2 }], {}, 2);
    expect(r.ok && [r.items.map((i) => i.id), r.problems.length, r.leftOver]).toEqual([["1"], 1, 1]);
  });

  it("fails when the items are not an array, naming where it looked", () => {
    expect(extractItems({ items: [] }, {})).toEqual({ ok: false, error: "the answer is an object, not an array of items" });
    expect(extractItems({ items: {} }, { itemsPointer: "/items" })).toEqual({ ok: false, error: 'itemsPointer "/items" is an object, not an array of items' });
    expect(extractItems({}, { itemsPointer: "/items" })).toEqual({ ok: false, error: 'itemsPointer "/items" is missing, not an array of items' });
    expect(extractItems(null, {})).toMatchObject({ ok: false, error: expect.stringMatching(/null/) });
  });

  it("treats an empty array as an empty page", () => {
    expect(extractItems({ items: [] }, { itemsPointer: "/items" })).toMatchObject({ ok: true, items: [], leftOver: 0 });
  });

  it("reads the next cursor from cursor.fromPointer as a string", () => {
    const cursor = { param: "since", fromPointer: "/meta/next" };
    const at = (next: unknown) => {
      const r = extractItems({ items: [], meta: { next } }, { itemsPointer: "/items", cursor });
      return r.ok ? r.nextCursor : "error";
    };
    expect(at("c_42")).toBe("c_42");
    expect(at(1700000000)).toBe("1700000000");
    expect(at(null)).toBeNull();
    expect(at("")).toBeNull();
    expect(at({ a: 1 })).toBeNull();
    expect(at(undefined)).toBeNull();
    expect(extractItems([], {}).ok && (extractItems([], {}) as { nextCursor: unknown }).nextCursor).toBeNull();
  });
});

describe("normaliseId", () => {
  it("gives strings or a problem", () => {
    expect(normaliseId("a")).toBe("a");
    expect(normaliseId(42)).toBe("42");
    expect(normaliseId(1e21)).toBe("1e+21");
    expect(normaliseId(NaN)).toEqual({ problem: "the id is not a finite number" });
    expect(normaliseId(undefined)).toEqual({ problem: "no id" });
    expect(normaliseId([1])).toEqual({ problem: "the id is an array, not a string or number" });
  });
});
