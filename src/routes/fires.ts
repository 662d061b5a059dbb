/** Fires: POST …/fire, POST /v1/events (batch), reading fires, replay and skip, flow status reports. */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { scope } from "../auth/middleware";
import { AppError, isRpcFailure } from "../errors";
import { TriggerNameParam, errorResponses, json, jsonBody, LimitQuery } from "../schemas/common";
import { FireBody, FireAnswer, EventsBatchBody, BatchEvent } from "../schemas/fire";
import { parseDeliveryId } from "../contracts/ids";
import { reply, rpc } from "./http";
import { FAN_OUT, mapBounded } from "../domain/bounded";
import { validationHook, type Hint } from "../http/validation";

export const fires = new OpenAPIHono<AppEnv>();
const security = [{ bearer: [] }];
const EventIdParam = TriggerNameParam.extend({ eventId: z.string().min(1).max(300) });

/**
 * `{"id": "42"}` instead of `{"data": {"id": "42"}}`: every field is unknown,
 * which reads as nonsense unless the message says where the payload goes.
 */
const dataWrapperHint: Hint = (issues, input, target) => {
  const unknownTop = issues.filter((i) => i.code === "unrecognized_keys" && !i.path.includes("."));
  if (target !== "json" || unknownTop.length === 0) return null;
  if (input && typeof input === "object" && "data" in input) return null;
  const fields = unknownTop.map((i) => `"${i.path}": …`).slice(0, 3).join(", ");
  return `The payload goes inside "data": {"data": {${fields}}}`;
};

function idempotencyHeader(h: string | undefined): string | undefined {
  if (h === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,256}$/.test(h)) throw new AppError(400, "invalid_idempotency_key", "Idempotency-Key must be 1-256 printable ASCII characters without spaces");
  return h;
}

fires.openapi(
  createRoute({
    method: "post", path: "/v1/triggers/{name}/fire", operationId: "fireTrigger", tags: ["Fires"], security, middleware: [scope("fire")] as const,
    summary: "Fire a trigger",
    request: { params: TriggerNameParam, body: jsonBody(FireBody), headers: z.object({ "idempotency-key": z.string().optional() }) },
    responses: {
      202: json(FireAnswer, "Recorded"), 200: json(FireAnswer, "Duplicate idempotency key: the original fire"),
      ...errorResponses, 410: json(z.unknown(), "Retired"), 422: json(z.unknown(), "Payload fails the schema"), 429: json(z.unknown(), "Rate limited"),
    },
  }),
  async (c) => {
    const { name } = c.req.valid("param");
    const body = c.req.valid("json");
    const headerKey = idempotencyHeader(c.req.header("idempotency-key"));
    if (headerKey && body.idempotencyKey && headerKey !== body.idempotencyKey) {
      throw new AppError(400, "invalid_idempotency_key", "Idempotency-Key header and body idempotencyKey differ");
    }
    const answer = await rpc(
      c.var.store.trigger(name).fire({ data: body.data ?? null, source: "api", idempotencyKey: headerKey ?? body.idempotencyKey, flows: body.flows }),
    );
    return reply(c, answer, answer.status === "deduplicated" ? 200 : 202);
  },
  (result) => {
    validationHook(result as Parameters<typeof validationHook>[0], dataWrapperHint);
    return undefined;
  },
);

fires.openapi(
  createRoute({
    method: "post", path: "/v1/events", operationId: "fireEvents", tags: ["Fires"], security, middleware: [scope("fire")] as const,
    summary: "Fire up to 100 events, each by trigger name; one bad event does not fail the others",
    request: { body: jsonBody(EventsBatchBody) },
    responses: { 200: json(z.object({ results: z.array(z.unknown()) }), "One result per event, in order"), ...errorResponses },
  }),
  async (c) => {
    const { events } = c.req.valid("json");
    const results = await mapBounded(
      events, FAN_OUT, async (raw) => {
        const parsed = BatchEvent.safeParse(raw);
        if (!parsed.success) {
          return { status: "error", error: { code: "invalid_request", message: "Invalid event", details: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })) } };
        }
        const e = parsed.data;
        let r: unknown;
        try {
          r = await c.var.store.trigger(e.name).fire({ data: e.data ?? null, source: "api", idempotencyKey: e.idempotencyKey, flows: e.flows });
        } catch (err) {
          // one event's transport failure must not fail the others; its outcome is unknown, so say so
          console.error("fire in batch failed", (err as Error).name);
          return { status: "error", error: { code: "unavailable", message: "This event could not be recorded right now; retry it with its idempotency key" } };
        }
        if (isRpcFailure(r)) {
          const { code, message, details } = r.__error;
          return { status: "error", error: { code, message, ...(details === undefined ? {} : { details }) } };
        }
        return r;
      },
    );
    return reply(c, { results }, 200);
  },
);

fires.openapi(
  createRoute({
    method: "get", path: "/v1/triggers/{name}/fires/{eventId}", operationId: "getFire", tags: ["Fires"], security, middleware: [scope("read")] as const,
    summary: "One fire with its deliveries",
    request: { params: EventIdParam },
    responses: { 200: json(z.record(z.string(), z.unknown()), "The fire"), ...errorResponses },
  }),
  async (c) => {
    const { name, eventId } = c.req.valid("param");
    return reply(c, await rpc(c.var.store.trigger(name).getFire(eventId)), 200);
  },
);

fires.openapi(
  createRoute({
    method: "get", path: "/v1/triggers/{name}/fires", operationId: "listFires", tags: ["Fires"], security, middleware: [scope("read")] as const,
    summary: "Fires, newest first; with ?status= those having a delivery in that status",
    request: {
      params: TriggerNameParam,
      query: z.object({
        status: z.enum(["queued", "delivering", "delivered", "processing", "completed", "failed", "dead", "skipped"]).optional(),
        limit: LimitQuery, cursor: z.string().regex(/^\d{1,15}$/, "not a cursor this API returned").optional(),
      }),
    },
    responses: { 200: json(z.object({ fires: z.array(z.unknown()), nextCursor: z.string().nullable() }), "A page of fires"), ...errorResponses },
  }),
  async (c) => {
    const { name } = c.req.valid("param");
    const { status, limit, cursor } = c.req.valid("query");
    return reply(c, await rpc(c.var.store.trigger(name).listFires(status === "delivering" ? "queued" : status ?? null, limit, cursor ? Number(cursor) : null)), 200);
  },
);

fires.openapi(
  createRoute({
    method: "post", path: "/v1/triggers/{name}/fires/{eventId}/replay", operationId: "replayFire", tags: ["Fires"], security, middleware: [scope("fire")] as const,
    summary: "Deliver a fire again (new delivery ids); releases manual-mode deliveries",
    request: { params: EventIdParam, body: { required: false, content: { "application/json": { schema: z.strictObject({ flows: z.array(z.string()).min(1).max(100).optional() }) } } } },
    responses: { 202: json(z.object({ eventId: z.string(), deliveries: z.array(z.unknown()) }), "Queued again"), ...errorResponses },
  }),
  async (c) => {
    const { name, eventId } = c.req.valid("param");
    const { flows } = c.req.valid("json");
    return reply(c, await rpc(c.var.store.trigger(name).replay(eventId, flows ?? null)), 202);
  },
);

fires.openapi(
  createRoute({
    method: "post", path: "/v1/triggers/{name}/fires/{eventId}/skip", operationId: "skipFire", tags: ["Fires"], security, middleware: [scope("fire")] as const,
    summary: "Skip every delivery of a fire not yet delivered",
    request: { params: EventIdParam, body: { required: false, content: { "application/json": { schema: z.strictObject({ reason: z.string().min(1).max(500).optional() }) } } } },
    responses: { 200: json(z.object({ eventId: z.string(), skipped: z.array(z.string()) }), "Skipped"), ...errorResponses },
  }),
  async (c) => {
    const { name, eventId } = c.req.valid("param");
    const { reason } = c.req.valid("json");
    return reply(c, await rpc(c.var.store.trigger(name).skip(eventId, reason ?? "skipped_by_operator")), 200);
  },
);

fires.openapi(
  createRoute({
    method: "post", path: "/v1/deliveries/{deliveryId}/status", operationId: "reportDeliveryStatus", tags: ["Fires"], security, middleware: [scope("fire")] as const,
    summary: "A flow reports what it did with a delivery",
    request: {
      params: z.object({ deliveryId: z.string().min(1).max(400) }),
      body: jsonBody(z.strictObject({ status: z.enum(["processing", "completed", "failed"]), output: z.unknown().optional(), error: z.string().max(4000).optional() })),
    },
    responses: { 200: json(z.object({ deliveryId: z.string(), status: z.string() }), "Recorded"), ...errorResponses },
  }),
  async (c) => {
    const { deliveryId } = c.req.valid("param");
    const { status, output, error } = c.req.valid("json");
    const ref = parseDeliveryId(deliveryId);
    if (!ref) throw new AppError(404, "not_found", `Delivery '${deliveryId}' not found`);
    return reply(c, await rpc(c.var.store.trigger(ref.trigger).reportStatus(deliveryId, status, output, error ?? null)), 200);
  },
);

