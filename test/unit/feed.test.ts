/** The fire feed's order, per-trigger bounds, merge with frontiers, and cursor (src/domain/feed.ts). */
import { describe, expect, it } from "vitest";
import { boundFor, compareKeys, couldContribute, decodeFeedCursor, encodeFeedCursor, mergePage, type FeedPart } from "../../src/domain/feed";
import type { FeedFire } from "../../src/contracts/feed";

const f = (trigger: string, firedAt: number, seq: number): FeedFire => ({
  trigger, eventId: `${trigger}-${seq}`, seq, firedAt, status: "accepted", skipReason: null, source: "api", eventType: null, deliveries: [],
});
const ids = (fs: FeedFire[]) => fs.map((x) => x.eventId);

describe("order", () => {
  it("is newest first, then trigger name, then seq descending", () => {
    const fires = [f("b", 5, 1), f("a", 5, 2), f("a", 5, 3), f("c", 9, 1), f("a", 1, 9)];
    const sorted = [...fires].sort((x, y) => compareKeys(x, y));
    expect(ids(sorted)).toEqual(["c-1", "a-3", "a-2", "b-1", "a-9"]);
  });
});

describe("boundFor", () => {
  const cursor = { firedAt: 5, trigger: "m", seq: 7 };
  it("without a cursor: everything up to and including until", () => {
    expect(boundFor("x", null, 100)).toEqual({ firedAt: 100, seq: Infinity });
  });
  it("with a cursor: what comes strictly after it, for each trigger's side of it", () => {
    expect(boundFor("a", cursor, 100)).toEqual({ firedAt: 5, seq: 0 }); // a's fires at 5 were before m's
    expect(boundFor("z", cursor, 100)).toEqual({ firedAt: 5, seq: Infinity }); // z's fires at 5 come after
    expect(boundFor("m", cursor, 100)).toEqual({ firedAt: 5, seq: 7 });
    expect(boundFor("z", cursor, 3)).toEqual({ firedAt: 3, seq: Infinity }); // until is tighter
  });
});

describe("mergePage", () => {
  it("takes the newest `limit` and continues after the last one", () => {
    const parts: FeedPart[] = [
      { trigger: "a", answer: { fires: [f("a", 9, 3), f("a", 4, 2)], frontier: null } },
      { trigger: "b", answer: { fires: [f("b", 7, 1)], frontier: null } },
    ];
    expect(mergePage(parts, 2, false)).toEqual({ fires: [f("a", 9, 3), f("b", 7, 1)], next: { firedAt: 7, trigger: "b", seq: 1 } });
    expect(mergePage(parts, 3, false)).toEqual({ fires: [f("a", 9, 3), f("b", 7, 1), f("a", 4, 2)], next: null });
    expect(mergePage(parts, 3, true).next).toEqual({ firedAt: 4, trigger: "a", seq: 2 }); // unread triggers may follow
  });

  it("never claims what lies past a trigger's frontier: a shorter page continues from it", () => {
    // b stopped early (its scan budget) at (6, seq 40): b may have unexamined fires just below, newer than a's 4
    const parts: FeedPart[] = [
      { trigger: "a", answer: { fires: [f("a", 9, 3), f("a", 4, 2)], frontier: null } },
      { trigger: "b", answer: { fires: [f("b", 8, 41)], frontier: { firedAt: 6, seq: 40 } } },
    ];
    const page = mergePage(parts, 5, false);
    expect(ids(page.fires)).toEqual(["a-3", "b-41"]);
    expect(page.next).toEqual({ firedAt: 6, trigger: "b", seq: 40 });
  });

  it("a full page ends at its last fire even with a frontier further down", () => {
    const parts: FeedPart[] = [{ trigger: "a", answer: { fires: [f("a", 9, 3), f("a", 8, 2)], frontier: { firedAt: 8, seq: 2 } } }];
    expect(mergePage(parts, 2, false)).toEqual({ fires: [f("a", 9, 3), f("a", 8, 2)], next: { firedAt: 8, trigger: "a", seq: 2 } });
  });

  it("an empty merge ends the feed", () => {
    expect(mergePage([], 10, false)).toEqual({ fires: [], next: null });
  });
});

describe("couldContribute", () => {
  const page = [f("a", 1000, 2), f("a", 900, 1)];
  it("is true while the page is short, or while the trigger's activity reaches the page's last fire", () => {
    expect(couldContribute(page, 3, 0, 0)).toBe(true);
    expect(couldContribute(page, 2, 850, 0)).toBe(false);
    expect(couldContribute(page, 2, 850, 60)).toBe(true); // the index may lag
    expect(couldContribute(page, 2, 900, 0)).toBe(true);
  });
});

describe("cursor", () => {
  it("round-trips a key and refuses anything else", () => {
    const k = { firedAt: 1_796_000_000_000, trigger: "stripe.payment/x", seq: 42 };
    expect(decodeFeedCursor(encodeFeedCursor(k))).toEqual(k);
    expect(encodeFeedCursor(k)).toMatch(/^[A-Za-z0-9_-]+$/);
    for (const bad of ["", "nope", btoa("[1,2,3]"), btoa('[1,"a"]'), btoa('[1.5,"a",2]'), btoa('{"a":1}')]) expect(decodeFeedCursor(bad)).toBeNull();
  });
});
