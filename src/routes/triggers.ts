/** /v1/triggers: register, read, list, retire, reactivate, stats. */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { scope } from "../auth/middleware";
import { AppError } from "../errors";
import { TriggerNameParam, errorResponses, json, jsonBody, LimitQuery } from "../schemas/common";
import { TriggerBody, TriggerView, TriggerSummary, RetireBody, TriggerType } from "../schemas/trigger";
import { ifMatch, reply, rpc, triggerAnswer } from "./http";
import { claimWebhookPath } from "./webhook-path-claim";
import { pollUrlProblem, refuse } from "./target-checks";
import type { Registered } from "../contracts/views";

export const triggers = new OpenAPIHono<AppEnv>();

const retiredHint = (name: string) =>
  `Trigger '${name}' is retired: the definition is stored, but fires and its webhook answer 410 until POST /v1/triggers/${name}/reactivate`;
const security = [{ bearer: [] }];
const conflictResp = { 409: json(z.object({ error: z.unknown() }), "Version or state conflict") };

triggers.openapi(
  createRoute({
    method: "put", path: "/v1/triggers/{name}", operationId: "putTrigger", tags: ["Triggers"], security, middleware: [scope("write")] as const,
    summary: "Register or update a trigger",
    request: { params: TriggerNameParam, body: jsonBody(TriggerBody) },
    responses: { 200: json(TriggerView, "Updated"), 201: json(TriggerView, "Created"), ...errorResponses, ...conflictResp },
  }),
  async (c) => {
    const { name } = c.req.valid("param");
    const def = c.req.valid("json");
    refuse(pollUrlProblem(c.env, def));
    const store = c.var.store;
    const path = def.webhook?.path ?? null;
    const claimed = path ? await claimWebhookPath(store, path, name) : false;
    let r: Registered;
    try {
      r = await rpc(store.trigger(name).register(store.tenant, name, def, ifMatch(c)));
    } catch (e) {
      // Only the object's own refusal (an AppError) says it did not commit; after a transport
      // failure it may have, and its projection re-applies the path: the claim stays.
      if (claimed && path && e instanceof AppError) await store.paths.release(path, name);
      throw e;
    }
    if (r.previousPath && r.previousPath !== path) await store.paths.release(r.previousPath, name);
    // a retired trigger takes the update but stays retired: say so where the caller looks
    const view = r.trigger.status === "retired" ? { ...r.trigger, hint: retiredHint(name) } : r.trigger;
    return triggerAnswer(c, view, r.created ? 201 : 200);
  },
);

triggers.openapi(
  createRoute({
    method: "get", path: "/v1/triggers/{name}", operationId: "getTrigger", tags: ["Triggers"], security, middleware: [scope("read")] as const,
    summary: "Read a trigger (its index entry)",
    request: { params: TriggerNameParam },
    responses: { 200: json(TriggerView, "The trigger"), ...errorResponses },
  }),
  async (c) => {
    const { name } = c.req.valid("param");
    return triggerAnswer(c, await rpc(c.var.store.trigger(name).get()));
  },
);

triggers.openapi(
  createRoute({
    method: "get", path: "/v1/triggers", operationId: "listTriggers", tags: ["Triggers"], security, middleware: [scope("read")] as const,
    summary: "List triggers from the global index, newest first",
    request: {
      query: z.object({
        type: TriggerType.optional(),
        status: z.enum(["active", "retired", "deprecated"]).optional(),
        q: z.string().min(1).max(128).optional(),
        subscribedBy: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/).optional(),
        limit: LimitQuery,
        cursor: z.string().max(1000).optional(),
      }),
    },
    responses: { 200: json(z.object({ triggers: z.array(TriggerSummary), nextCursor: z.string().nullable() }), "A page of triggers"), ...errorResponses },
  }),
  async (c) => {
    const { limit, cursor, ...filter } = c.req.valid("query");
    const index = c.var.store.index;
    const page = await index.list(filter, limit, cursor);
    c.header("x-signalbox-d1-rows-read", String(index.rowsRead));
    return reply(c, page, 200);
  },
);

triggers.openapi(
  createRoute({
    method: "post", path: "/v1/triggers/{name}/retire", operationId: "retireTrigger", tags: ["Triggers"], security, middleware: [scope("write")] as const,
    summary: "Retire a trigger: fires and webhooks answer 410, schedules stop",
    request: { params: TriggerNameParam, body: { required: false, content: { "application/json": { schema: RetireBody } } } },
    responses: { 200: json(TriggerView, "Retired"), ...errorResponses, ...conflictResp },
  }),
  async (c) => {
    const { name } = c.req.valid("param");
    const { reason } = c.req.valid("json");
    return triggerAnswer(c, await rpc(c.var.store.trigger(name).retire(reason ?? null, ifMatch(c))));
  },
);

triggers.openapi(
  createRoute({
    method: "post", path: "/v1/triggers/{name}/reactivate", operationId: "reactivateTrigger", tags: ["Triggers"], security, middleware: [scope("write")] as const,
    summary: "Undo a retirement",
    request: { params: TriggerNameParam, body: { required: false, content: { "application/json": { schema: z.strictObject({}) } } } },
    responses: { 200: json(TriggerView, "Active again"), ...errorResponses, ...conflictResp },
  }),
  async (c) => {
    const { name } = c.req.valid("param");
    return triggerAnswer(c, await rpc(c.var.store.trigger(name).reactivate(ifMatch(c))));
  },
);

triggers.openapi(
  createRoute({
    method: "get", path: "/v1/triggers/{name}/stats", operationId: "getTriggerStats", tags: ["Triggers"], security, middleware: [scope("read")] as const,
    summary: "Stats of a trigger, with the last hour's fires and delivery latency percentiles",
    request: { params: TriggerNameParam },
    responses: { 200: json(z.record(z.string(), z.unknown()), "Stats"), ...errorResponses },
  }),
  async (c) => {
    const { name } = c.req.valid("param");
    return reply(c, await rpc(c.var.store.trigger(name).stats()), 200);
  },
);
