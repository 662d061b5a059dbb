/**
 * GET /v1/fires, the tenant-wide fire feed: reads the triggers active in the
 * range from the D1 index (newest activity first, a chunk at a time), asks
 * each one's object for its part of the page (in parallel within a chunk),
 * and merges. It writes nothing: no shared row or object is touched per fire.
 *
 * Cost per page: ceil(k / FEED_CHUNK) indexed D1 reads and k object reads,
 * k being the triggers active in the range that could still place a fire in
 * the page: reading stops at the first trigger whose last activity is older
 * than the page's last fire (less the index's lag), checked every FEED_WAVE.
 */
import type { FeedFilters, FeedFire } from "../contracts/feed";
import { boundFor, couldContribute, mergePage, type FeedKey, type FeedPart } from "../domain/feed";
import { unwrap } from "../errors";
import type { TenantStore } from "./tenant-store";

/** Triggers read from the index at a time. */
const FEED_CHUNK = 50;
/** Objects asked at once; between waves the page in hand decides whether the next triggers can still matter. */
const FEED_WAVE = 25;
/**
 * How far the index's last_activity_at may trail a trigger's newest fire:
 * objects push it with their coalesced stats every 5 s; a minute covers a
 * late push. A fire on a trigger whose index lags more than this (D1 down)
 * shows once the index catches up.
 */
const ACTIVITY_SLACK_MS = 60_000;

export type FeedQuery = FeedFilters & { since: number | null; until: number | null; trigger: string | null; limit: number; cursor: FeedKey | null };

export type FeedResult = { fires: FeedFire[]; next: FeedKey | null; triggersRead: number };

export async function readFeed(store: TenantStore, q: FeedQuery): Promise<FeedResult> {
  const since = q.since ?? 0;
  const until = q.until ?? Number.MAX_SAFE_INTEGER;
  const filters: FeedFilters = { status: q.status, flow: q.flow, eventType: q.eventType };
  const parts: FeedPart[] = [];
  let askSince = since;
  let partial = false; // something may follow the page that was not asked for: triggers left unread, or a raised `since`
  read: for (let after: [number, string] | null = null; ; ) {
    const rows = await store.index.activeSince({ since: since - ACTIVITY_SLACK_MS, until, prefix: q.trigger, after, limit: FEED_CHUNK });
    for (let i = 0; i < rows.length; i += FEED_WAVE) {
      const wave = rows.slice(i, i + FEED_WAVE);
      const page = mergePage(parts, q.limit, true).fires;
      if (!couldContribute(page, q.limit, wave[0].lastActivityAt, ACTIVITY_SLACK_MS)) {
        partial = true;
        break read;
      }
      // with a full page in hand, the next triggers only matter down to its last fire
      if (page.length === q.limit && page[q.limit - 1].firedAt > askSince) {
        askSince = page[q.limit - 1].firedAt;
        partial = true;
      }
      const before = (name: string) => boundFor(name, q.cursor, until);
      const answers = await Promise.all(
        wave.map(async (r) => ({ trigger: r.name, answer: unwrap(await store.trigger(r.name).feedPage({ ...filters, since: askSince, before: before(r.name), limit: q.limit })) })),
      );
      parts.push(...answers);
    }
    if (rows.length < FEED_CHUNK) break;
    const last = rows[rows.length - 1];
    after = [last.lastActivityAt, last.name];
  }
  const { fires, next } = mergePage(parts, q.limit, partial);
  return { fires, next, triggersRead: parts.length };
}
