/**
 * Flow policies (PUT /v1/flows/{flow}) and bulk recovery (API.md "Flows:
 * delivery policy (flow control)").
 */
import { z } from "@hono/zod-openapi";
import { NAME_PATTERN } from "./common";

const int = (min: number, max: number) => z.number().int(`must be a whole number from ${min} to ${max}`).min(min).max(max);

export const FlowPolicyBody = z
  .strictObject({
    rateLimit: z.strictObject({ limit: int(1, 100_000), periodSeconds: int(1, 3600) }).optional()
      .openapi({ description: "at most `limit` delivery attempts start in any window of periodSeconds, across all the flow's triggers" }),
    concurrency: int(1, 1000).optional().openapi({ description: "at most this many attempts in flight (sent, no answer yet); 1 = one at a time" }),
    breaker: z.strictObject({ failureThreshold: int(1, 1000), cooldownSeconds: int(1, 3600) }).optional()
      .openapi({ description: "one flow-wide breaker: that many consecutive failed attempts open it; one probe per cooldown" }),
    paused: z.boolean().optional(),
  })
  .openapi("FlowPolicy");

export type FlowPolicy = z.infer<typeof FlowPolicyBody>;

const FlowState = z
  .object({
    waiting: z.number(), inFlight: z.number(), oldestWaitingAt: z.number().nullable(),
    breaker: z.enum(["closed", "open", "half_open"]), breakerOpenedAt: z.number().nullable(), paused: z.boolean(), heldUntil: z.number().nullable(),
  })
  .openapi("FlowState");

export const FlowView = z
  .object({
    flow: z.string(), policy: FlowPolicyBody, state: FlowState,
    subscriptions: z.array(z.object({ trigger: z.string(), mode: z.enum(["auto", "manual"]), target: z.unknown() })).optional(),
    gate: z.object({ throttled: z.number(), rowsWritten: z.number() }).optional()
      .openapi({ description: "A flow with a policy: deliveries that had to wait for its rate or concurrency, and SQLite rows its gate wrote since it started" }),
  })
  .openapi("Flow");

export const RecoverBody = z
  .strictObject({
    since: z.number().int().min(0).openapi({ description: "epoch ms: fires from then on" }),
    until: z.number().int().min(0).optional().openapi({ description: "epoch ms (default now)" }),
    status: z.enum(["dead", "failed"]),
    triggers: z.array(z.string().regex(NAME_PATTERN)).min(1).max(100).optional(),
    dryRun: z.boolean().optional(),
    cursor: z.string().max(512).optional().openapi({ description: "where an earlier call with `more: true` stopped" }),
  })
  .openapi("RecoverRequest");

export type RecoverRequest = z.infer<typeof RecoverBody>;
