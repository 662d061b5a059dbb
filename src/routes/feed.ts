/** GET /v1/fires: fires across the tenant's triggers, newest first, with filters (src/data/fire-feed.ts reads them). */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { scope } from "../auth/middleware";
import { AppError } from "../errors";
import { NAME_PATTERN, errorResponses, json } from "../schemas/common";
import { decodeFeedCursor, encodeFeedCursor } from "../domain/feed";
import { readFeed } from "../data/fire-feed";
import { reply } from "./http";

export const feed = new OpenAPIHono<AppEnv>();

const DELIVERY_STATUSES = ["queued", "delivering", "delivered", "processing", "completed", "failed", "dead", "skipped"] as const;
const EpochMs = z.coerce.number().int("must be an integer (epoch ms)").min(0).max(Number.MAX_SAFE_INTEGER);

const FeedQuery = z
  .object({
    status: z.enum(DELIVERY_STATUSES).optional().openapi({ description: "a delivery status: fires having a delivery in it" }),
    trigger: z.string().min(1).max(128).optional().openapi({ description: "trigger name prefix" }),
    flow: z.string().regex(NAME_PATTERN, "must be a flow name").optional().openapi({ description: "fires having a delivery to this flow" }),
    eventType: z.string().min(1).max(200).optional(),
    since: EpochMs.optional().openapi({ description: "fired at or after (epoch ms)" }),
    until: EpochMs.optional().openapi({ description: "fired at or before (epoch ms)" }),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(600).optional(),
  })
  .refine((q) => q.since === undefined || q.until === undefined || q.since <= q.until, { path: ["until"], message: "must not be before since" });

const FeedFireView = z
  .object({
    trigger: z.string(), eventId: z.string(), seq: z.number(), firedAt: z.number(), status: z.enum(["accepted", "skipped"]),
    skipReason: z.string().nullable(), source: z.string().nullable(), eventType: z.string().nullable(),
    deliveries: z.array(z.object({ deliveryId: z.string(), flow: z.string(), status: z.string() })),
  })
  .openapi("FeedFire");

feed.openapi(
  createRoute({
    method: "get", path: "/v1/fires", operationId: "listAllFires", tags: ["Fires"], security: [{ bearer: [] }], middleware: [scope("read")] as const,
    summary: "Fires across all the tenant's triggers, newest first",
    description:
      "Reads the triggers active in the range (from the index) and asks each for its part; writes nothing. " +
      "A page may hold fewer than `limit` fires and still carry a `nextCursor` (a trigger's scan budget ran out): follow it. " +
      "`x-signalbox-triggers-read` says how many triggers the page read.",
    request: { query: FeedQuery },
    responses: { 200: json(z.object({ fires: z.array(FeedFireView), nextCursor: z.string().nullable() }), "A page of fires"), ...errorResponses },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const cursor = q.cursor === undefined ? null : decodeFeedCursor(q.cursor);
    if (q.cursor !== undefined && !cursor) throw new AppError(400, "invalid_cursor", "cursor: not a cursor this API returned");
    const r = await readFeed(c.var.store, {
      status: q.status ?? null, flow: q.flow ?? null, eventType: q.eventType ?? null,
      since: q.since ?? null, until: q.until ?? null, trigger: q.trigger ?? null, limit: q.limit, cursor,
    });
    c.header("cache-control", "no-store");
    c.header("x-signalbox-triggers-read", String(r.triggersRead));
    return reply(c, { fires: r.fires, nextCursor: r.next ? encodeFeedCursor(r.next) : null }, 200);
  },
);
