/** Shared zod pieces of the HTTP contract: names, pagination, the error envelope. */
import { z } from "@hono/zod-openapi";

export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export const TriggerNameParam = z.object({
  name: z.string().regex(NAME_PATTERN, "must match ^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$").openapi({ param: { name: "name", in: "path" }, example: "stripe.payment.succeeded" }),
});
export const FlowParam = z.string().regex(NAME_PATTERN, "must match ^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$").openapi({ param: { name: "flow", in: "path" }, example: "billing-sync" });

export const ErrorEnvelope = z
  .object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) })
  .openapi("Error");

export const LimitQuery = z.coerce.number().int().min(1).max(500).default(50);

/** A JSON object of any shape (payloads, JSON Schemas, ui). */
export const JsonObject = z.record(z.string(), z.unknown());

export const errorResponses = {
  400: { description: "Invalid input", content: { "application/json": { schema: ErrorEnvelope } } },
  401: { description: "Missing or bad credentials", content: { "application/json": { schema: ErrorEnvelope } } },
  403: { description: "Key lacks the scope", content: { "application/json": { schema: ErrorEnvelope } } },
  404: { description: "Unknown resource", content: { "application/json": { schema: ErrorEnvelope } } },
} as const;

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { "application/json": { schema } },
});
