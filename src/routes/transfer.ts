/** GET /v1/export and POST /v1/import (signalbox.v1 documents and the legacy doc store). */
import { OpenAPIHono, createRoute } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { scope } from "../auth/middleware";
import { errorResponses, json, jsonBody } from "../schemas/common";
import { DryRunQuery, ExportDocument, ImportAnswer, ImportBody } from "../schemas/transfer";
import { exportedTrigger, validateDefinitions, type Problem } from "../domain/transfer";
import { mapLegacyDocs, type IgnoredField } from "../domain/legacy";
import { reply } from "./http";
import { deploymentChecks, readView, runTransfer } from "./transfer-apply";
import { FAN_OUT, mapBounded } from "../domain/bounded";
import { validateFlows } from "../domain/transfer/flows";
import { exportedFlows } from "./transfer-flows";

export const transfer = new OpenAPIHono<AppEnv>();
const security = [{ bearer: [] }];
const conflictResp = { 409: json(errorResponses[400].content["application/json"].schema, "A name or webhook path conflicts (every problem in details)") };

transfer.openapi(
  createRoute({
    method: "get", path: "/v1/export", operationId: "exportDefinitions", tags: ["Transfer"], security, middleware: [scope("read")] as const,
    summary: "Export every trigger of the tenant (retired ones too) with its subscriptions, secrets redacted, and every flow policy",
    responses: { 200: json(ExportDocument, "The signalbox.v1 document"), ...errorResponses },
  }),
  async (c) => {
    const store = c.var.store;
    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.index.list({}, 500, cursor);
      names.push(...page.triggers.map((t) => t.name));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    // the index says which triggers exist; each object holds the definition
    // by name, so that two exports of the same definitions diff cleanly
    names.sort();
    const views = await mapBounded(names, FAN_OUT, (n) => readView(store, n));
    const flows = await exportedFlows(store); // after the triggers: one fan-out at a time
    const triggers = views.flatMap((v) => (v ? [exportedTrigger(v as never)] : []));
    return reply(c, { format: "signalbox.v1", tenant: store.tenant, exportedAt: Date.now(), triggers, flows }, 200);
  },
);

transfer.openapi(
  createRoute({
    method: "post", path: "/v1/import", operationId: "importDefinitions", tags: ["Transfer"], security, middleware: [scope("write")] as const,
    summary: "Import a signalbox.v1 export (or the legacy doc store): all-or-nothing, idempotent",
    request: { query: DryRunQuery, body: jsonBody(ImportBody) },
    responses: { 200: json(ImportAnswer, "What was (or, in a dry run, would be) created, updated and left unchanged"), ...errorResponses, ...conflictResp },
  }),
  async (c) => {
    const { dryRun } = c.req.valid("query");
    const doc = c.req.valid("json");
    const checks = deploymentChecks(c.env, c.var.store.tenant);
    if (doc.format === "signalbox.v1") {
      const { incoming, problems } = validateDefinitions(doc.triggers, { source: "import", ...checks });
      const policies = validateFlows(doc.flows);
      const summary = await runTransfer(c.var.store, incoming, [...problems, ...policies.problems], { kind: "import" }, dryRun, policies.flows);
      const { retired: _, keptTargets: __, flows: { cleared: ___, ...flows }, ...rest } = summary;
      return reply(c, { dryRun, ...rest, flows }, 200);
    }
    const legacy = mapLegacyDocs(doc);
    const ignored: IgnoredField[] = [...legacy.ignored];
    for (const t of legacy.triggers) {
      if (t.status === "deprecated") ignored.push({ name: t.name, field: "status", reason: "Signalbox has no deprecated status: imported active" });
    }
    const { incoming, problems } = validateDefinitions(legacy.triggers, { source: "import", ...checks, registeredAt: true });
    const all: Problem[] = [...legacy.problems.map((p) => ({ ...p, kind: "invalid" as const })), ...problems];
    // a subscription given a target since an earlier run keeps it (the legacy doc has none to offer)
    const summary = await runTransfer(c.var.store, incoming, all, { kind: "import", keepTargets: true }, dryRun);
    const { retired: _, keptTargets, flows: __, ...rest } = summary;
    const needsTarget = legacy.needsTarget.filter((k) => !keptTargets.includes(k));
    return reply(c, { dryRun, ...rest, needsTarget, ignored }, 200);
  },
);
