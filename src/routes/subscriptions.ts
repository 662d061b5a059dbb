/** Subscriptions: PUT/DELETE /v1/triggers/{name}/subscriptions/{flow}, GET /v1/flows/{flow}/subscriptions. */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { scope } from "../auth/middleware";
import { isRpcFailure } from "../errors";
import { FlowParam, TriggerNameParam, errorResponses, json, jsonBody, LimitQuery } from "../schemas/common";
import { SubscriptionBody, SubscriptionView } from "../schemas/subscription";
import { reply, rpc } from "./http";
import { refuse, targetProblem } from "./target-checks";
import { FAN_OUT, mapBounded } from "../domain/bounded";

export const subscriptions = new OpenAPIHono<AppEnv>();
const security = [{ bearer: [] }];
const params = TriggerNameParam.extend({ flow: FlowParam });

subscriptions.openapi(
  createRoute({
    method: "put", path: "/v1/triggers/{name}/subscriptions/{flow}", operationId: "putSubscription", tags: ["Subscriptions"], security, middleware: [scope("write")] as const,
    summary: "Subscribe a flow to a trigger (http, queue or pull target)",
    request: { params, body: jsonBody(SubscriptionBody) },
    responses: { 200: json(SubscriptionView, "Updated"), 201: json(SubscriptionView, "Created (an http target's generated secret is returned once)"), ...errorResponses },
  }),
  async (c) => {
    const { name, flow } = c.req.valid("param");
    const body = c.req.valid("json");
    refuse(targetProblem(c.env, c.var.store.tenant, body.target, "target"));
    const r = await rpc<{ created: boolean; subscription: unknown }>(c.var.store.trigger(name).putSubscription(flow, body));
    return reply(c, r.subscription, r.created ? 201 : 200);
  },
);

subscriptions.openapi(
  createRoute({
    method: "delete", path: "/v1/triggers/{name}/subscriptions/{flow}", operationId: "deleteSubscription", tags: ["Subscriptions"], security, middleware: [scope("write")] as const,
    summary: "Unsubscribe a flow",
    request: { params },
    responses: { 200: json(z.object({ removed: z.string() }), "Removed"), ...errorResponses },
  }),
  async (c) => {
    const { name, flow } = c.req.valid("param");
    return reply(c, await rpc(c.var.store.trigger(name).removeSubscription(flow)), 200);
  },
);

subscriptions.openapi(
  createRoute({
    method: "get", path: "/v1/flows/{flow}/subscriptions", operationId: "listFlowSubscriptions", tags: ["Subscriptions"], security, middleware: [scope("read")] as const,
    summary: "What a flow is subscribed to",
    request: { params: z.object({ flow: FlowParam }), query: z.object({ limit: LimitQuery, cursor: z.string().max(1000).optional() }) },
    responses: { 200: json(z.object({ subscriptions: z.array(SubscriptionView), nextCursor: z.string().nullable() }), "Subscriptions"), ...errorResponses },
  }),
  async (c) => {
    const { flow } = c.req.valid("param");
    const { limit, cursor } = c.req.valid("query");
    const { names, nextCursor } = await c.var.store.index.flowSubscriptions(flow, limit, cursor);
    // The index says where to look; each object has the detail (and the index may lag a removal).
    const detail = await mapBounded(
      names, FAN_OUT, async (trigger) => {
        const t = await c.var.store.trigger(trigger).get();
        if (isRpcFailure(t)) return null;
        const s = t.subscriptions[flow];
        return s ? { flow, trigger, ...s } : null;
      },
    );
    return reply(c, { subscriptions: detail.filter((d) => d !== null) as z.infer<typeof SubscriptionView>[], nextCursor }, 200);
  },
);

subscriptions.openapi(
  createRoute({
    method: "get", path: "/v1/triggers/{name}/subscriptions/{flow}/events", operationId: "pullEvents", tags: ["Subscriptions"], security, middleware: [scope("read")] as const,
    summary: "Pull: fires after the flow's durable checkpoint (long-poll with waitMs up to 30000)",
    request: { params, query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50), waitMs: z.coerce.number().int().min(0).max(30_000).default(0) }) },
    responses: { 200: json(z.object({ events: z.array(z.unknown()), checkpoint: z.number() }), "Events after the checkpoint"), ...errorResponses },
  }),
  async (c) => {
    const { name, flow } = c.req.valid("param");
    const { limit, waitMs } = c.req.valid("query");
    return reply(c, await rpc(c.var.store.trigger(name).pull(flow, limit, waitMs)));
  },
);

subscriptions.openapi(
  createRoute({
    method: "post", path: "/v1/triggers/{name}/subscriptions/{flow}/ack", operationId: "ackPull", tags: ["Subscriptions"], security, middleware: [scope("fire")] as const,
    summary: "Pull: move the checkpoint forward to seq (never back)",
    request: { params, body: jsonBody(z.strictObject({ seq: z.number().int().min(0) })) },
    responses: { 200: json(z.object({ checkpoint: z.number() }), "The new checkpoint"), ...errorResponses },
  }),
  async (c) => {
    const { name, flow } = c.req.valid("param");
    return reply(c, await rpc(c.var.store.trigger(name).ack(flow, c.req.valid("json").seq)));
  },
);

subscriptions.openapi(
  createRoute({
    method: "post", path: "/v1/triggers/{name}/subscriptions/{flow}/reset", operationId: "resetPull", tags: ["Subscriptions"], security, middleware: [scope("write")] as const,
    summary: "Pull: reset the checkpoint to the beginning or to now (recorded as checkpoint.reset)",
    request: { params, body: jsonBody(z.strictObject({ to: z.enum(["beginning", "now"]) })) },
    responses: { 200: json(z.object({ checkpoint: z.number() }), "The new checkpoint"), ...errorResponses },
  }),
  async (c) => {
    const { name, flow } = c.req.valid("param");
    return reply(c, await rpc(c.var.store.trigger(name).resetCheckpoint(flow, c.req.valid("json").to)));
  },
);
