/** POST /v1/sync: code-defined triggers and flow policies; makes the tenant's triggers and policies of one source exactly the given set. */
import { OpenAPIHono, createRoute } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { scope } from "../auth/middleware";
import { errorResponses, json, jsonBody } from "../schemas/common";
import { DryRunQuery, SyncAnswer, SyncBody } from "../schemas/transfer";
import { validateDefinitions } from "../domain/transfer";
import { validateFlows } from "../domain/transfer/flows";
import { reply } from "./http";
import { deploymentChecks, runTransfer } from "./transfer-apply";

export const sync = new OpenAPIHono<AppEnv>();
const security = [{ bearer: [] }];

sync.openapi(
  createRoute({
    method: "post", path: "/v1/sync", operationId: "syncDefinitions", tags: ["Transfer"], security, middleware: [scope("write")] as const,
    summary: "Make the triggers and flow policies of a source (e.g. code) exactly the given set: create, update and, with prune, retire the missing triggers and clear the missing policies",
    request: { query: DryRunQuery, body: jsonBody(SyncBody) },
    responses: {
      200: json(SyncAnswer, "What was (or, in a dry run, would be) created, updated, left unchanged and retired"),
      ...errorResponses,
      409: json(errorResponses[400].content["application/json"].schema, "A trigger or flow policy of another source (without adopt), a type change or a webhook path conflicts"),
    },
  }),
  async (c) => {
    const { dryRun } = c.req.valid("query");
    const body = c.req.valid("json");
    const checks = deploymentChecks(c.env, c.var.store.tenant);
    const { incoming, problems } = validateDefinitions(body.triggers, { source: body.source, ...checks });
    const policies = validateFlows(body.flows);
    const mode = { kind: "sync" as const, source: body.source, prune: body.prune ?? false, adopt: body.adopt ?? false };
    const summary = await runTransfer(c.var.store, incoming, [...problems, ...policies.problems], mode, dryRun, policies.flows);
    const { keptTargets: _, ...answer } = summary;
    return reply(c, { dryRun, ...answer }, 200);
  },
);
