/**
 * The tenant-wide fire feed's order, cursor and merge, as pure functions.
 *
 * Order: newest first by (firedAt desc, trigger asc, seq desc), a total order
 * over every fire of a tenant. A cursor is the key of the last position a
 * page covered; the next page holds what comes strictly after it. Each
 * trigger answers its part with a `frontier` when it stopped early, and a
 * merged page only claims what is at or before the earliest frontier, so a
 * page never skips a fire that a trigger had not examined yet.
 */
import type { FeedFire, FeedPageAnswer, FeedPosition } from "../contracts/feed";

export type FeedKey = { firedAt: number; trigger: string; seq: number };

/**
 * Negative when `a` comes first (is newer) in the feed.
 * @example compareKeys({ firedAt: 2, trigger: "a", seq: 1 }, { firedAt: 1, trigger: "a", seq: 9 }) // < 0
 * @internal (exported for tests)
 */
export function compareKeys(a: FeedKey, b: FeedKey): number {
  if (a.firedAt !== b.firedAt) return b.firedAt - a.firedAt;
  if (a.trigger !== b.trigger) return a.trigger < b.trigger ? -1 : 1;
  return b.seq - a.seq;
}

const keyOf = (f: FeedFire): FeedKey => ({ firedAt: f.firedAt, trigger: f.trigger, seq: f.seq });

/**
 * What one trigger may answer: its positions strictly before the returned
 * bound, i.e. after `cursor` in the feed and at or before `until`.
 * @example boundFor("b", { firedAt: 5, trigger: "a", seq: 3 }, 9) // { firedAt: 5, seq: Infinity }: b's fires at 5 come after a's
 */
export function boundFor(trigger: string, cursor: FeedKey | null, until: number): FeedPosition {
  const upto: FeedPosition = { firedAt: until, seq: Infinity };
  if (!cursor) return upto;
  const c: FeedPosition =
    trigger < cursor.trigger ? { firedAt: cursor.firedAt, seq: 0 } : trigger > cursor.trigger ? { firedAt: cursor.firedAt, seq: Infinity } : { firedAt: cursor.firedAt, seq: cursor.seq };
  return c.firedAt < upto.firedAt || (c.firedAt === upto.firedAt && c.seq < upto.seq) ? c : upto;
}

export type FeedPart = { trigger: string; answer: FeedPageAnswer };

/**
 * Merges the triggers' parts into one page of at most `limit`. `more` says
 * whether anything may follow (a trigger stopped early, or triggers were
 * left unread); `next` is the cursor to continue from, null at the end.
 * @example mergePage([{ trigger: "a", answer: { fires: [f1, f2], frontier: null } }], 1, false) // { fires: [f1], next: key of f1 }
 */
export function mergePage(parts: FeedPart[], limit: number, unread: boolean): { fires: FeedFire[]; next: FeedKey | null } {
  let cutoff: FeedKey | null = null;
  for (const p of parts) {
    if (!p.answer.frontier) continue;
    const k = { ...p.answer.frontier, trigger: p.trigger };
    if (!cutoff || compareKeys(k, cutoff) < 0) cutoff = k;
  }
  const sorted = parts.flatMap((p) => p.answer.fires).sort((a, b) => compareKeys(keyOf(a), keyOf(b)));
  const safe = cutoff ? sorted.filter((f) => compareKeys(keyOf(f), cutoff!) <= 0) : sorted;
  const fires = safe.slice(0, limit);
  const last = fires[fires.length - 1];
  if (safe.length > limit || (fires.length === limit && (cutoff || unread))) return { fires, next: keyOf(last) };
  return { fires, next: cutoff };
}

/**
 * Whether a trigger whose newest activity is `lastActivityAt` (give or take
 * `slackMs` of index lag) could still place a fire in the page: once the
 * page (merged, newest first) holds `limit` fires newer than that, it cannot.
 * @example couldContribute(fiftyFiresAt1000, 50, 400, 100) // false
 */
export function couldContribute(page: FeedFire[], limit: number, lastActivityAt: number, slackMs: number): boolean {
  return page.length < limit || page[limit - 1].firedAt <= lastActivityAt + slackMs;
}

/** The cursor as the API shows it: opaque base64url of [firedAt, trigger, seq]. */
export function encodeFeedCursor(k: FeedKey): string {
  return btoa(JSON.stringify([k.firedAt, k.trigger, k.seq])).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The key in a cursor this API returned, or null for anything else. */
export function decodeFeedCursor(s: string): FeedKey | null {
  try {
    const v = JSON.parse(atob(s.replace(/-/g, "+").replace(/_/g, "/")));
    if (Array.isArray(v) && v.length === 3 && Number.isSafeInteger(v[0]) && typeof v[1] === "string" && Number.isSafeInteger(v[2])) {
      return { firedAt: v[0], trigger: v[1], seq: v[2] };
    }
  } catch {
    // not a cursor
  }
  return null;
}
