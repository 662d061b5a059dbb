/** The bounded seen-id set: membership, eviction of the least recently seen, new items of a page, JSON. */
import { describe, expect, it } from "vitest";
import { SEEN_IDS_CAPACITY, SeenIds } from "../../src/domain/poll/seen-ids";

const page = (...ids: string[]) => ids.map((id) => ({ id, item: { id } }));

describe("SeenIds", () => {
  it("keeps at least the last 10,000 ids by default", () => {
    const s = new SeenIds();
    expect(s.capacity).toBe(SEEN_IDS_CAPACITY);
    expect(SEEN_IDS_CAPACITY).toBeGreaterThanOrEqual(10_000);
    s.markSeen(Array.from({ length: 10_500 }, (_, i) => `id-${i}`));
    expect(s.size).toBe(10_000);
    expect(s.has("id-499")).toBe(false);
    expect(s.has("id-500")).toBe(true);
    expect(s.has("id-10499")).toBe(true);
  });

  it("evicts first in, first out", () => {
    const s = new SeenIds(3);
    s.markSeen(["a", "b", "c"]);
    s.markSeen(["d"]);
    expect(s.toJSON()).toEqual(["b", "c", "d"]);
    expect(s.has("a")).toBe(false);
  });

  it("counts an id seen again as new, so one still on the page does not age out", () => {
    const s = new SeenIds(3);
    s.markSeen(["a", "b", "c"]);
    s.markSeen(["a", "d"]);
    expect(s.toJSON()).toEqual(["c", "a", "d"]);
    expect(s.has("a")).toBe(true);
    expect(s.has("b")).toBe(false);
  });

  it("answers the unseen items of a page in page order without changing the set", () => {
    const s = new SeenIds(10, ["b", "d"]);
    expect(s.unseen(page("a", "b", "c", "d", "e")).map((i) => i.id)).toEqual(["a", "c", "e"]);
    expect(s.size).toBe(2);
    expect(s.unseen([])).toEqual([]);
  });

  it("round-trips through JSON as a plain array of strings", () => {
    const s = new SeenIds(5, ["x", "y", 'q"uote', "ünï"]);
    const json = JSON.stringify(s);
    expect(json).toBe('["x","y","q\\"uote","ünï"]');
    const back = SeenIds.fromJSON(JSON.parse(json), 5);
    expect(back.toJSON()).toEqual(s.toJSON());
    back.markSeen(["z", "w"]);
    expect(back.toJSON()).toEqual(["y", 'q"uote', "ünï", "z", "w"]);
  });

  it("restores garbage as an empty set, and trims a stored list longer than the capacity to its newest ids", () => {
    expect(SeenIds.fromJSON(null).size).toBe(0);
    expect(SeenIds.fromJSON({ a: 1 }).size).toBe(0);
    expect(SeenIds.fromJSON(["a", 1, null, "b"]).toJSON()).toEqual(["a", "b"]);
    expect(SeenIds.fromJSON(["a", "b", "c"], 2).toJSON()).toEqual(["b", "c"]);
  });

  it("stays compact: 10,000 ids of 20 characters serialise in well under 300 kB", () => {
    const s = new SeenIds(SEEN_IDS_CAPACITY, Array.from({ length: 10_000 }, (_, i) => `ord_${String(i).padStart(16, "0")}`));
    expect(JSON.stringify(s).length).toBeLessThan(240_000);
  });

  it("rejects a capacity below 1", () => {
    expect(() => new SeenIds(0)).toThrow();
    expect(() => new SeenIds(1.5)).toThrow();
  });
});
