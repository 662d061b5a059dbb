/**
 * The tenant-wide fire feed (GET /v1/fires) across the Worker/object
 * boundary: what the Worker asks each TriggerObject for one page, and what
 * the object answers. Positions are ordered newest first by
 * (firedAt desc, trigger asc, seq desc); each object only knows its own name,
 * so the Worker turns a page cursor into a bound of that trigger's own
 * (firedAt, seq) before asking.
 */

/** A fire's place inside one trigger: (firedAt, seq), compared as a pair. */
export type FeedPosition = { firedAt: number; seq: number };

export type FeedFilters = {
  /** a delivery status: fires having a delivery in it ("delivering" reads as "queued") */
  status: string | null;
  /** fires having a delivery to this flow (with `status`: a delivery to this flow in that status) */
  flow: string | null;
  /** the fire's stored eventType (webhook fires) */
  eventType: string | null;
};

export type FeedPageRequest = FeedFilters & {
  /** fires at or after this time (epoch ms) */
  since: number;
  /** fires strictly before this position (the page's upper bound, already per trigger) */
  before: FeedPosition;
  limit: number;
};

type FeedDelivery = { deliveryId: string; flow: string; status: string };

/** One fire as the feed shows it (API.md "GET /v1/fires"). */
export type FeedFire = {
  trigger: string; eventId: string; seq: number; firedAt: number; status: "accepted" | "skipped";
  skipReason: string | null; source: string | null; eventType: string | null; deliveries: FeedDelivery[];
};

/**
 * An object's part of a page, newest first. `frontier`: the last position it
 * examined when it stopped before reaching `since` (its limit or its scan
 * budget); everything of this trigger before that position in the feed's
 * order was examined. null: complete down to `since`.
 */
export type FeedPageAnswer = { fires: FeedFire[]; frontier: FeedPosition | null };
