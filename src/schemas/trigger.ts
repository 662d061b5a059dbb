/** The trigger definition (PUT /v1/triggers/{name}) and its answer, as zod schemas. */
import { z } from "@hono/zod-openapi";
import { MatchExpression, TransformSpec, WebhookAuth } from "./expressions";
import { TargetView } from "./subscription";
import { checkSchema } from "../domain/json-schema";
import { isValidWebhookPath } from "../domain/names";
import { validateAllowlist } from "../domain/ip-allowlist";
import { validateEventTypeConfig } from "../domain/webhook-auth/event-type";
import { validateSchedule } from "../domain/schedule";
import { validatePoll } from "../domain/poll/validate";
import { JsonObject } from "./common";
import { HARD_MAX_BODY } from "../contracts/limits";

/** Turns a pure validator's problem list into zod issues. */
function refineWith(check: (v: unknown) => string[]) {
  return (v: unknown, ctx: z.RefinementCtx) => {
    for (const message of check(v)) ctx.addIssue({ code: "custom", message });
  };
}

export const TriggerType = z.enum(["event", "webhook", "schedule", "manual", "poll", "flow"]);

/** A trigger's source: a name like the trigger names, at most 64 characters (`api`, `import`, `code`, `billing-service`). */
export const TriggerSource = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, "must be a source name (like a trigger name, at most 64 characters), e.g. code or billing-service");

const DedupSpec = z.strictObject({
  key: z.string().regex(/^(header:[A-Za-z0-9-]{1,128}|body:(\/.*)?)$/, "must be 'header:<name>' or 'body:<json pointer>'").optional(),
  windowSeconds: z.number().int().min(1).max(30 * 86400).optional(),
});

const WebhookSpec = z.strictObject({
  path: z.string().refine(isValidWebhookPath, "must be 1-128 chars of [a-z0-9._-] segments joined by '/'"),
  methods: z.array(z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"])).min(1).optional(),
  auth: WebhookAuth,
  ipAllowlist: z.array(z.string()).max(100).superRefine(refineWith(validateAllowlist)).optional(),
  maxBodyBytes: z.number().int().min(1).max(HARD_MAX_BODY, `must be at most ${HARD_MAX_BODY} bytes (1 MiB: a stored request is one SQLite row)`).optional(),
  /** where the event type is read: `{"header": "x-event-type"}` or `{"pointer": "/type"}` (generic provider and non-HMAC auth) */
  eventType: z.unknown().superRefine(refineWith(validateEventTypeConfig))
    .openapi({ description: 'Where the event type is read (generic provider and non-HMAC auth): {"header": "<name>"} or {"pointer": "/json/pointer"}', example: { header: "x-event-type" } })
    .optional(),
}).superRefine((w, ctx) => {
  const auth = w.auth as { type?: string; provider?: string };
  if (w.eventType !== undefined && auth.type === "hmac" && auth.provider !== "generic") {
    ctx.addIssue({ code: "custom", path: ["eventType"], message: `is only for the generic provider and non-HMAC auth: the ${auth.provider} preset reads its own event type` });
  }
});

const ScheduleSpec = z
  .strictObject({
    cron: z.string().optional(),
    interval: z.string().optional(),
    anchor: z.string().optional(),
    at: z.string().optional(),
    every: z.record(z.string(), z.unknown()).optional(),
    timezone: z.string().optional(),
    enabled: z.boolean().optional(),
    pauseNote: z.string().max(1000).optional(),
    overlap: z.enum(["allow_all", "skip", "buffer_one", "buffer_all", "cancel_other"]).optional(),
    catchup: z.enum(["none", "latest", "all"]).optional(),
    catchupWindowSeconds: z.number().int().min(1).max(7 * 86400).optional(),
    jitterSeconds: z.number().optional(),
    dst: z.record(z.string(), z.unknown()).optional(),
    payload: z.unknown().optional(),
  })
  .superRefine(refineWith(validateSchedule));

const PollSpec = z
  .strictObject({
    url: z.string(),
    method: z.string().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    every: z.string().optional(),
    cron: z.string().optional(),
    itemsPointer: z.string().optional(),
    idPointer: z.string().optional(),
    cursor: z.strictObject({ param: z.string(), fromPointer: z.string() }).optional(),
    startFrom: z.enum(["now", "beginning"]).optional(),
    timeoutMs: z.number().int().optional(),
  })
  .superRefine(refineWith(validatePoll));

const FlowSpec = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, "must be a flow name"),
  on: z.array(z.enum(["completed", "failed"])).min(1).max(2).optional(),
  triggers: z.array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, "must be a trigger name")).min(1).max(100).optional(),
});

const ConfigSpec = z.strictObject({
  persistData: z.boolean().optional(),
  retentionDays: z.number().int().min(1).max(3650).optional(),
  /** how long processed webhook inbox rows are kept (default 7) */
  inboxRetentionDays: z.number().int().min(1).max(90).optional(),
  rateLimit: z.strictObject({ max: z.number().int().min(1).max(1_000_000), windowSeconds: z.number().int().min(1).max(86400) }).optional(),
  /** record a delivery.succeeded stream event for every successful delivery (one more row each; failures always are) */
  auditDeliveries: z.boolean().optional(),
});

export const TriggerBody = z
  .strictObject({
    type: TriggerType,
    displayName: z.string().max(200).optional(),
    description: z.string().max(4000).optional(),
    schema: z.union([JsonObject, z.boolean()]).superRefine((s, ctx) => {
      const problem = checkSchema(s);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }).optional(),
    transform: TransformSpec.optional(),
    filter: MatchExpression.optional(),
    dedup: DedupSpec.optional(),
    webhook: WebhookSpec.optional(),
    schedule: ScheduleSpec.optional(),
    poll: PollSpec.optional(),
    flow: FlowSpec.optional(),
    ui: JsonObject.optional(),
    config: ConfigSpec.optional(),
    /** who manages the trigger: "api" (the default), "import", or a sync source such as "code" or "billing-service" */
    source: TriggerSource.optional(),
  })
  .superRefine((t, ctx) => {
    if (t.type === "webhook" && !t.webhook) ctx.addIssue({ code: "custom", path: ["webhook"], message: "webhook triggers need 'webhook' (path and auth)" });
    if (t.type === "schedule" && !t.schedule) ctx.addIssue({ code: "custom", path: ["schedule"], message: "schedule triggers need 'schedule'" });
    if (t.type === "poll" && !t.poll) ctx.addIssue({ code: "custom", path: ["poll"], message: "poll triggers need 'poll'" });
    if (t.type === "flow" && !t.flow) ctx.addIssue({ code: "custom", path: ["flow"], message: "flow triggers need 'flow' (the flow name, and which statuses)" });
    for (const k of ["webhook", "schedule", "poll", "flow"] as const) {
      if (t[k] && t.type !== k) ctx.addIssue({ code: "custom", path: [k], message: `'${k}' is only allowed on ${k} triggers` });
    }
  })
  .openapi("TriggerDefinition");

export type TriggerDef = z.infer<typeof TriggerBody>;

const TriggerStats = z.object({
  totalFires: z.number(), lastFiredAt: z.number().nullable(), activeSubscribers: z.number(),
  delivered: z.number(), failed: z.number(), skipped: z.number(), pending: z.number(),
  dead: z.number(), deduplicated: z.number(), rejected: z.number(),
}).openapi("TriggerStats");

export const TriggerView = z.looseObject({
  name: z.string(), type: TriggerType, scope: z.literal("flow"), status: z.enum(["active", "retired", "deprecated"]),
  source: z.string(), registeredAt: z.number(), lastActivityAt: z.number(), retiredAt: z.number().nullable(),
  retiredReason: z.string().nullable(), subscriptions: z.record(z.string(), z.looseObject({ mode: z.enum(["auto", "manual"]), subscribedAt: z.number(), target: TargetView })), stats: TriggerStats,
  webhookUrl: z.string().optional(), nextFireAt: z.number().nullable().optional(), version: z.number(),
}).openapi("Trigger");

export const TriggerSummary = z.object({
  name: z.string(), type: TriggerType, status: z.string(), displayName: z.string().nullable(),
  registeredAt: z.number(), lastActivityAt: z.number(), stats: z.record(z.string(), z.unknown()), version: z.number(),
}).openapi("TriggerSummary");

export const RetireBody = z.strictObject({ reason: z.string().max(1000).optional() });
