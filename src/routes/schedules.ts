/** Schedule triggers: preview the next fire times, backfill a past range. */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { scope } from "../auth/middleware";
import { TriggerNameParam, errorResponses, json, jsonBody } from "../schemas/common";
import { reply, rpc } from "./http";

export const schedules = new OpenAPIHono<AppEnv>();
const security = [{ bearer: [] }];
const IsoTime = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(Date.parse(s)), "must be an ISO 8601 date-time");

schedules.openapi(
  createRoute({
    method: "get", path: "/v1/triggers/{name}/schedule", operationId: "getSchedule", tags: ["Schedules"], security, middleware: [scope("read")] as const,
    summary: "The next fire times of a schedule trigger",
    request: { params: TriggerNameParam, query: z.object({ count: z.coerce.number().int().min(1).max(1000).default(5) }) },
    responses: { 200: json(z.object({ next: z.array(z.object({ at: z.number(), iso: z.string(), scheduledFor: z.number() })) }), "Next fire times"), ...errorResponses },
  }),
  async (c) => {
    const { name } = c.req.valid("param");
    return reply(c, await rpc(c.var.store.trigger(name).schedulePreview(c.req.valid("query").count)));
  },
);

schedules.openapi(
  createRoute({
    method: "post", path: "/v1/triggers/{name}/schedule/backfill", operationId: "backfillSchedule", tags: ["Schedules"], security, middleware: [scope("fire")] as const,
    summary: "Fire the occurrences of a past range (at most 1000; ones already fired are not fired again)",
    request: { params: TriggerNameParam, body: jsonBody(z.strictObject({ from: IsoTime, to: IsoTime })) },
    responses: { 202: json(z.object({ fired: z.number(), alreadyFired: z.number(), eventIds: z.array(z.string()) }), "Fired"), ...errorResponses },
  }),
  async (c) => {
    const { name } = c.req.valid("param");
    const { from, to } = c.req.valid("json");
    return reply(c, await rpc(c.var.store.trigger(name).backfill(Date.parse(from), Date.parse(to))), 202);
  },
);
