/** /v1/maintenance: the cleanup of the key's tenant (the cron runs the same for every tenant). */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { scope } from "../auth/middleware";
import { errorResponses, json } from "../schemas/common";
import { reply } from "./http";
import { CLEANUP_DEFAULTS, ROUTE_BUDGET, ROUTE_MAX_BUDGET, cleanupTenant } from "../maintenance/cleanup";

export const maintenance = new OpenAPIHono<AppEnv>();

const Days = z.number().int().min(0).max(3650);

const CleanupBody = z
  .strictObject({
    dryRun: z.boolean().default(false).openapi({ description: "Change nothing; answer what a cleanup would do" }),
    retireAfterDays: Days.default(CLEANUP_DEFAULTS.retireAfterDays).openapi({ description: "Retire active triggers with no subscriber and no activity for this many days (0: now)" }),
    deleteStreamsAfterDays: Days.default(CLEANUP_DEFAULTS.deleteStreamsAfterDays).openapi({ description: "Delete triggers retired at least this many days ago (0: now)" }),
    limit: z.number().int().min(1).max(ROUTE_MAX_BUDGET).default(ROUTE_BUDGET).openapi({ description: "Triggers examined at most by this call; `more: true` in the answer says to call again" }),
  })
  .openapi("CleanupRequest");

const CleanupAnswer = z
  .object({
    dryRun: z.boolean(),
    retired: z.array(z.object({ name: z.string(), lastActivityAt: z.number() })),
    deleted: z.array(z.object({ name: z.string(), retiredAt: z.number() })),
    more: z.boolean().openapi({ description: "Candidates remain beyond this call's limit" }),
  })
  .openapi("CleanupAnswer");

maintenance.openapi(
  createRoute({
    method: "post", path: "/v1/maintenance/cleanup", operationId: "cleanup", tags: ["Operations"], security: [{ bearer: [] }],
    middleware: [scope("write")] as const,
    summary: "Retire idle triggers and delete long-retired ones",
    request: { body: { required: false, content: { "application/json": { schema: CleanupBody } } } },
    responses: { 200: json(CleanupAnswer, "What the cleanup did (or, in a dry run, would do)"), ...errorResponses },
  }),
  async (c) => {
    // without a content-type the validator lets an absent body through untouched: the defaults come from here then
    const { limit, ...o } = CleanupBody.parse(c.req.valid("json") ?? {});
    const { examined: _, ...report } = await cleanupTenant(c.var.store, { ...o, budget: limit, now: Date.now() });
    return reply(c, report, 200);
  },
);
