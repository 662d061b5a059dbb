/** Fire requests and answers (POST …/fire, POST /v1/events) and the stream. */
import { z } from "@hono/zod-openapi";
import { NAME_PATTERN } from "./common";

const IdempotencyKey = z.string().min(1).max(256).regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces");

export const FireBody = z
  .strictObject({
    data: z.unknown().optional(),
    idempotencyKey: IdempotencyKey.optional(),
    flows: z.array(z.string().regex(NAME_PATTERN)).min(1).max(100).optional(),
  })
  .openapi("FireRequest");

export const EventsBatchBody = z
  .strictObject({
    events: z.array(z.unknown()).min(1).max(100, "at most 100 events a call"),
  })
  .openapi("EventsBatch");

export const BatchEvent = z.strictObject({
  name: z.string().regex(NAME_PATTERN, "must match ^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"),
  data: z.unknown().optional(),
  idempotencyKey: IdempotencyKey.optional(),
  flows: z.array(z.string().regex(NAME_PATTERN)).min(1).max(100).optional(),
});

const DeliveryRef = z.object({ deliveryId: z.string(), flow: z.string(), status: z.string() });

export const FireAnswer = z
  .object({
    eventId: z.string(), seq: z.number(),
    status: z.enum(["accepted", "deduplicated", "skipped"]),
    skipReason: z.string().nullable(),
    deliveries: z.array(DeliveryRef),
  })
  .openapi("FireAnswer");

export const StreamEvent = z.object({ seq: z.number(), id: z.string(), type: z.string(), ts: z.number(), data: z.unknown() }).openapi("StreamEvent");
