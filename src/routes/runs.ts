/** GET /v1/runs: runs that have awaits in a status (waiting, resolved, timed_out, cancelled), newest change first. */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { scope } from "../auth/middleware";
import { LimitQuery, errorResponses, json } from "../schemas/common";
import { AWAIT_STATUSES } from "../store/run-index";
import { reply } from "./http";

export const runs = new OpenAPIHono<AppEnv>();

const RunSummary = z
  .object({
    runId: z.string(),
    awaits: z.object({ waiting: z.number(), resolved: z.number(), timed_out: z.number(), cancelled: z.number() }),
    updatedAt: z.number(),
  })
  .openapi("RunSummary");

runs.openapi(
  createRoute({
    method: "get", path: "/v1/runs", operationId: "listRuns", tags: ["Awaits"], security: [{ bearer: [] }], middleware: [scope("read")] as const,
    summary: "Runs with awaits in a status (all runs without ?status), most recently changed first",
    description: "From the projection the run objects keep in the index: figures may lag the runs by a few seconds.",
    request: {
      query: z.object({
        status: z.enum(AWAIT_STATUSES as [string, ...string[]]).optional(),
        limit: LimitQuery,
        cursor: z.string().max(1000).optional(),
      }),
    },
    responses: { 200: json(z.object({ runs: z.array(RunSummary), nextCursor: z.string().nullable() }), "A page of runs"), ...errorResponses },
  }),
  async (c) => {
    const { status, limit, cursor } = c.req.valid("query");
    return reply(c, await c.var.store.runs.list((status as (typeof AWAIT_STATUSES)[number] | undefined) ?? null, limit, cursor), 200);
  },
);
