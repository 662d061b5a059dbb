/**
 * Shaping of one trigger's deliveries to one flow (API.md "Flows: delivery
 * policy", per subscription): `ordering` (FIFO per key), `debounce` (a
 * burst per key makes one delivery) and `batch` (fires per key gather into
 * one delivery). Keys are dot paths into the fire as filters see it.
 */
import { z } from "@hono/zod-openapi";

const int = (min: number, max: number) => z.number().int(`must be a whole number from ${min} to ${max}`).min(min).max(max);

/** A dot path into the fire as filters see it: data.x, eventType, headers.x, source, trigger. */
const KeyPath = z
  .string()
  .max(256)
  .regex(/^(data(\.[^.\s]{1,64}){0,16}|eventType|source|trigger|headers\.[a-z0-9-]{1,128})$/, "must be a dot path into the fire: data.x, eventType, headers.x, source or trigger")
  .openapi({ example: "data.orderId" });

export const Ordering = z
  .strictObject({ key: KeyPath })
  .openapi("Ordering", { description: "FIFO per key: a delivery starts only after the previous one with that key is delivered, failed, dead or skipped" });

export const Debounce = z
  .strictObject({
    key: KeyPath.optional(),
    periodSeconds: int(1, 3600),
    maxWaitSeconds: int(1, 86_400).optional(),
    mode: z.enum(["trailing", "leading"]).optional(),
  })
  .refine((d) => d.maxWaitSeconds === undefined || d.maxWaitSeconds >= d.periodSeconds, { message: "maxWaitSeconds must be at least periodSeconds", path: ["maxWaitSeconds"] })
  .openapi("Debounce", { description: "fires with the same key within periodSeconds of each other make one delivery" });

export const Batch = z
  .strictObject({ maxSize: int(1, 1000), maxWaitSeconds: int(1, 3600), key: KeyPath.optional() })
  .openapi("Batch", { description: "fires (per key) gather into one delivery of up to maxSize fires, sent when full or maxWaitSeconds after its first fire" });

export type OrderingDef = z.infer<typeof Ordering>;
export type BatchDef = z.infer<typeof Batch>;
export type DebounceDef = z.infer<typeof Debounce>;
