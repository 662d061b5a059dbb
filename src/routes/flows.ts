/**
 * Flows (API.md "Flows: delivery policy (flow control)"): PUT/GET /v1/flows/{flow},
 * GET /v1/flows, the flow's activity, pause/resume and bulk recovery. A
 * flow's policy lives in its gate (FlowGateObject); its waiting deliveries in
 * its triggers, which the flow's state adds up (src/domain/flow/state.ts).
 */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { scope } from "../auth/middleware";
import { AppError } from "../errors";
import { FlowParam, errorResponses, json, jsonBody, LimitQuery } from "../schemas/common";
import { FlowPolicyBody, FlowView, RecoverBody } from "../schemas/flow";
import { decodeCursor, encodeCursor } from "../store/cursor";
import { reply, rpc } from "./http";
import { flowList, flowView, type FlowAnswer } from "./flow-view";
import type { TenantStore } from "../data/tenant-store";
import { flowState } from "../domain/flow/state";
import { recoverFlow } from "./flow-recover";

export const flows = new OpenAPIHono<AppEnv>();

/** The flow, or 404 when it has neither a policy nor a subscription. */
async function known(store: TenantStore, flow: string): Promise<FlowAnswer> {
  const view = await flowView(store, flow);
  if (!view) throw new AppError(404, "not_found", `Flow '${flow}' has neither a policy nor a subscription`);
  return view;
}

/** The flow after a write: with an empty policy and no subscription it is still answered (as cleared). */
async function written(store: TenantStore, flow: string): Promise<FlowAnswer> {
  return (await flowView(store, flow)) ?? { flow, policy: {}, state: flowState([], null), subscriptions: [] };
}
const security = [{ bearer: [] }];
const params = z.object({ flow: FlowParam });

flows.openapi(
  createRoute({
    method: "put", path: "/v1/flows/{flow}", operationId: "putFlowPolicy", tags: ["Flows"], security, middleware: [scope("write")] as const,
    summary: "Set a flow's delivery policy (rate, concurrency, breaker, pause); {} clears it",
    request: { params, body: jsonBody(FlowPolicyBody) },
    responses: { 200: json(FlowView, "Updated"), 201: json(FlowView, "Created"), ...errorResponses },
  }),
  async (c) => {
    const { flow } = c.req.valid("param");
    const policy = c.req.valid("json");
    const r = await rpc(c.var.store.gate(flow).setPolicy(c.var.store.tenant, flow, policy, null));
    return reply(c, await written(c.var.store, flow), r.created ? 201 : 200);
  },
);

flows.openapi(
  createRoute({
    method: "get", path: "/v1/flows/{flow}", operationId: "getFlow", tags: ["Flows"], security, middleware: [scope("read")] as const,
    summary: "A flow: its policy, its state across its triggers, its subscriptions",
    request: { params },
    responses: { 200: json(FlowView, "The flow"), ...errorResponses },
  }),
  async (c) => {
    const { flow } = c.req.valid("param");
    return reply(c, await known(c.var.store, flow), 200);
  },
);

flows.openapi(
  createRoute({
    method: "get", path: "/v1/flows", operationId: "listFlows", tags: ["Flows"], security, middleware: [scope("read")] as const,
    summary: "Flows with a policy or a subscription, by name",
    request: { query: z.object({ limit: LimitQuery, cursor: z.string().max(1000).optional() }) },
    responses: { 200: json(z.object({ flows: z.array(FlowView), nextCursor: z.string().nullable() }), "Flows"), ...errorResponses },
  }),
  async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const after = cursor ? String(decodeCursor(cursor)?.[1] ?? "") : "";
    const { flows: items, more } = await flowList(c.var.store, after, limit);
    return reply(c, { flows: items, nextCursor: more && items.length ? encodeCursor([0, items[items.length - 1].flow]) : null }, 200);
  },
);

flows.openapi(
  createRoute({
    method: "get", path: "/v1/flows/{flow}/activity", operationId: "flowActivity", tags: ["Flows"], security, middleware: [scope("read")] as const,
    summary: "The flow's own log: policy changes, pause/resume, breaker, holds, recoveries",
    request: { params, query: z.object({ after: z.coerce.number().int().min(0).default(0), limit: LimitQuery }) },
    responses: { 200: json(z.object({ entries: z.array(z.object({ seq: z.number(), type: z.string(), ts: z.number(), data: z.unknown() })), nextCursor: z.string().nullable() }), "Entries"), ...errorResponses },
  }),
  async (c) => {
    const { flow } = c.req.valid("param");
    const { after, limit } = c.req.valid("query");
    return reply(c, await c.var.store.gate(flow).activity(after, limit), 200);
  },
);

for (const action of ["pause", "resume"] as const) {
  flows.openapi(
    createRoute({
      method: "post", path: `/v1/flows/{flow}/${action}`, operationId: `${action}Flow`, tags: ["Flows"], security, middleware: [scope("write")] as const,
      summary: action === "pause" ? "Pause a flow: nothing is sent, fires keep being recorded and their deliveries wait" : "Resume a paused flow",
      request: { params },
      responses: { 200: json(FlowView, "The flow"), ...errorResponses },
    }),
    async (c) => {
      const { flow } = c.req.valid("param");
      await rpc(c.var.store.gate(flow).setPaused(c.var.store.tenant, flow, action === "pause"));
      return reply(c, await written(c.var.store, flow), 200);
    },
  );
}

flows.openapi(
  createRoute({
    method: "post", path: "/v1/flows/{flow}/recover", operationId: "recoverFlow", tags: ["Flows"], security, middleware: [scope("write")] as const,
    summary: "Replay every dead or failed delivery of the flow in a time range, each once, through the flow's policy",
    request: { params, body: jsonBody(RecoverBody) },
    responses: {
      200: json(z.object({ dryRun: z.boolean(), matched: z.number(), replayed: z.number(), more: z.boolean().optional(), cursor: z.string().optional() }), "What was (or would be) replayed"),
      ...errorResponses,
    },
  }),
  async (c) => {
    const { flow } = c.req.valid("param");
    return reply(c, await recoverFlow(c.var.store, flow, c.req.valid("json"), Date.now()), 200);
  },
);
