/** Await bodies (PUT /v1/runs/{runId}/awaits/{step}). */
import { z } from "@hono/zod-openapi";
import { checkSchema } from "../domain/json-schema";
import { CallbackTarget } from "./subscription";
import { NAME_PATTERN } from "./common";
import { MatchExpression } from "./expressions";

const MAX_AWAIT_MS = 365 * 86_400_000;
const Duration = z.number().int().min(1).max(MAX_AWAIT_MS, "at most 365 days");

export const AwaitBody = z
  .discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("sleep"), durationMs: Duration, callback: CallbackTarget.optional() }),
    z.strictObject({
      kind: z.literal("until"),
      until: z.string().refine((s) => /^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(Date.parse(s)), "must be an ISO 8601 date-time"),
      callback: CallbackTarget.optional(),
    }),
    z.strictObject({
      kind: z.literal("event"),
      trigger: z.string().regex(NAME_PATTERN, "must be a trigger name"),
      match: MatchExpression.optional(),
      timeoutMs: Duration.optional(),
      lookbackMs: z.number().int().min(0).max(86_400_000, "at most 24 hours").optional(),
      callback: CallbackTarget.optional(),
    }),
    z.strictObject({
      kind: z.literal("webhook"),
      timeoutMs: Duration.optional(),
      schema: z.union([z.record(z.string(), z.unknown()), z.boolean()]).superRefine((s, ctx) => {
        const p = checkSchema(s);
        if (p) ctx.addIssue({ code: "custom", message: p });
      }).optional(),
      callback: CallbackTarget.optional(),
    }),
  ])
  .openapi("AwaitDefinition");

export type AwaitDef = z.infer<typeof AwaitBody>;

export const AwaitView = z.looseObject({
  runId: z.string(), step: z.string(), kind: z.string(), status: z.enum(["waiting", "resolved", "timed_out", "cancelled"]),
  createdAt: z.number(), expiresAt: z.number().nullable(), resumeUrl: z.string().optional(), result: z.unknown().optional(),
}).openapi("Await");
