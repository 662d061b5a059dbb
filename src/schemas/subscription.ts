/** Subscription bodies (PUT /v1/triggers/{name}/subscriptions/{flow}) and targets, shared with await callbacks. */
import { z } from "@hono/zod-openapi";
import { Batch, Debounce, Ordering } from "./shaping";

function httpUrlProblem(u: string): string | null {
  let url: URL;
  try {
    url = new URL(u);
  } catch {
    return "must be an absolute URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "must be http or https";
  if (url.username || url.password) return "must not carry credentials";
  return null;
}

const HeaderName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/, "invalid header name");
const RESERVED = new Set(["webhook-id", "webhook-timestamp", "webhook-signature", "content-type", "content-length", "host"]);

const HttpTarget = z.strictObject({
  type: z.literal("http"),
  url: z.string().max(2048).superRefine((u, ctx) => {
    const p = httpUrlProblem(u);
    if (p) ctx.addIssue({ code: "custom", message: p });
  }),
  secret: z.string().regex(/^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/, "must be whsec_ followed by base64 of 24-64 bytes").optional(),
  headers: z.record(HeaderName, z.string().max(4096)).refine((h) => Object.keys(h).every((k) => !RESERVED.has(k.toLowerCase())), "must not set webhook-*, content-type, content-length or host").refine((h) => Object.keys(h).length <= 32, "at most 32 headers").optional(),
  timeoutMs: z.number().int().min(100).max(60_000).optional(),
}).openapi("HttpTarget", { description: "POSTs each delivery to url, signed per Standard Webhooks with secret (generated when absent)" });

const QueueTarget = z.strictObject({
  type: z.literal("queue"),
  queue: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "must be a binding name"),
}).openapi("QueueTarget", { description: "Sends each delivery as a message to the queue producer binding" });

const PullTarget = z.strictObject({
  type: z.literal("pull"),
  startFrom: z.enum(["beginning", "now"]).optional(),
}).openapi("PullTarget", { description: "The flow reads fires itself (GET …/events, POST …/ack)" });

const Target = z.discriminatedUnion("type", [HttpTarget, QueueTarget, PullTarget]).openapi("Target");
export const CallbackTarget = z.discriminatedUnion("type", [HttpTarget, QueueTarget]).openapi("CallbackTarget");

const RetrySpec = z.strictObject({
  maxAttempts: z.number().int().min(1).max(50).optional(),
  initialBackoffSeconds: z.number().int().min(1).max(3600).optional(),
  maxBackoffSeconds: z.number().int().min(1).max(43200).optional(),
});

export const SubscriptionBody = z
  .strictObject({
    mode: z.enum(["auto", "manual"]).optional(),
    target: Target,
    retry: RetrySpec.optional(),
    ordering: Ordering.optional(),
    debounce: Debounce.optional(),
    batch: Batch.optional(),
  })
  .superRefine((s, ctx) => {
    if (s.batch && s.debounce) ctx.addIssue({ code: "custom", path: ["batch"], message: "batch and debounce both decide what one delivery holds: choose one" });
    if (s.batch && s.target.type === "pull") ctx.addIssue({ code: "custom", path: ["batch"], message: "shapes http and queue deliveries; a pull subscription paces itself" });
    if ((s.ordering || s.debounce) && s.target.type === "pull") ctx.addIssue({ code: "custom", path: [s.ordering ? "ordering" : "debounce"], message: "shapes http and queue deliveries; a pull subscription paces itself" });
  })
  .openapi("SubscriptionDefinition");

export type SubscriptionDef = z.infer<typeof SubscriptionBody>;
export type TargetDef = z.infer<typeof Target>;

/** A target as answers show it: an http target's secret reads "********". */
export const TargetView = z
  .discriminatedUnion("type", [
    z.looseObject({ type: z.literal("http"), url: z.string(), secret: z.string().optional(), headers: z.record(z.string(), z.string()).optional(), timeoutMs: z.number().optional() }),
    z.looseObject({ type: z.literal("queue"), queue: z.string() }),
    z.looseObject({ type: z.literal("pull"), startFrom: z.enum(["beginning", "now"]).optional() }),
  ])
  .openapi("TargetView");

export const SubscriptionView = z.object({
  flow: z.string(), trigger: z.string().optional(), mode: z.enum(["auto", "manual"]), target: TargetView,
  retry: z.object({ maxAttempts: z.number(), initialBackoffSeconds: z.number(), maxBackoffSeconds: z.number() }),
  subscribedAt: z.number(), secret: z.string().optional(),
  ordering: Ordering.optional(), debounce: Debounce.optional(), batch: Batch.optional(),
  // delivery state of http and queue targets (docs/delivery.md)
  breaker: z.enum(["closed", "open", "half_open"]).optional().openapi({ description: "The subscription's breaker: open after 20 consecutive failed attempts, one probe per 30 s, a 2xx closes it" }),
  breakerOpenedAt: z.number().nullable().optional().openapi({ description: "The latest opening (a failed probe re-opens)" }),
  heldUntil: z.number().nullable().optional().openapi({ description: "A 429/503 Retry-After holds every attempt of the subscription until then" }),
  waiting: z.number().optional().openapi({ description: "Deliveries queued for this flow and not settled yet" }),
  inFlight: z.number().optional().openapi({ description: "Attempts handed to a queue whose outcome has not come back (at most 32)" }),
}).openapi("Subscription");
