/** Export, import and sync documents and answers (GET /v1/export, POST /v1/import, POST /v1/sync), as zod schemas. */
import { z } from "@hono/zod-openapi";
import { TriggerSource } from "./trigger";
import { FlowPolicyBody } from "./flow";

/** Definitions are validated one by one after the body parses, so that every problem is listed by trigger name. */
const Definitions = z
  .array(z.unknown().openapi({ type: "object", description: "a trigger as GET /v1/export shows it: the PUT /v1/triggers/{name} definition plus name, status and subscriptions" }))
  .max(1000, "at most 1000 triggers a call");

/** Flow policies are validated after the body parses too, so that a bad one is a problem named by flow and path (`flows.billing.concurrency`). */
const Flows = z
  .unknown()
  .optional()
  .openapi({
    type: "object", additionalProperties: { $ref: "#/components/schemas/FlowPolicy" },
    description: 'flow policies by flow, each as PUT /v1/flows/{flow} takes it (at most 1000): `"flows": {"billing": {"rateLimit": {"limit": 10, "periodSeconds": 1}}}`',
  });

const ExportedTrigger = z
  .looseObject({
    name: z.string(), type: z.string(), source: z.string(), status: z.enum(["active", "retired", "deprecated"]),
    subscriptions: z.record(z.string(), z.object({ mode: z.string(), target: z.record(z.string(), z.unknown()), retry: z.record(z.string(), z.unknown()) })),
  })
  .openapi("ExportedTrigger");

export const ExportDocument = z
  .object({
    format: z.literal("signalbox.v1"), tenant: z.string(), exportedAt: z.number(), triggers: z.array(ExportedTrigger),
    flows: z.record(z.string(), FlowPolicyBody).openapi({ description: "every flow with a policy, by name, the policy as PUT /v1/flows/{flow} takes it" }),
  })
  .openapi("ExportDocument");

const SignalboxImport = z.object({
  format: z.literal("signalbox.v1"),
  tenant: z.string().optional(),
  exportedAt: z.number().optional(),
  triggers: Definitions,
  flows: Flows,
});

const LegacyImport = z.object({
  format: z.literal("legacy-docs"),
  triggers: z.array(z.unknown()).max(1000, "at most 1000 triggers a call").optional(),
  triggerSubscriptions: z.array(z.unknown()).max(10_000, "at most 10000 subscriptions a call").optional(),
});

export const ImportBody = z.discriminatedUnion("format", [SignalboxImport, LegacyImport]).openapi("ImportDocument");

export const SyncBody = z
  .strictObject({
    source: TriggerSource.refine((s) => s !== "api" && s !== "import", "api and import are not sync sources (they mean PUT and import)"),
    triggers: Definitions,
    flows: Flows,
    prune: z.boolean().optional(),
    adopt: z.boolean().optional(),
  })
  .openapi("SyncDocument");

export const DryRunQuery = z.object({
  dryRun: z.enum(["true", "false", "1", "0"]).optional().transform((v) => v === "true" || v === "1"),
});

const Names = z.array(z.string());
const TransferFields = {
  dryRun: z.boolean(), created: Names, updated: Names, unchanged: Names,
  subscriptions: z.object({ created: Names, updated: Names, unchanged: Names }),
};
const FlowChanges = { created: Names, updated: Names, unchanged: Names };

export const ImportAnswer = z
  .object({
    ...TransferFields,
    flows: z.object(FlowChanges).optional().openapi({ description: "the document's flow policies (signalbox.v1 documents)" }),
    needsTarget: Names.optional(),
    ignored: z.array(z.object({ name: z.string(), field: z.string(), reason: z.string().optional() })).optional(),
  })
  .openapi("ImportResult");

export const SyncAnswer = z
  .object({
    ...TransferFields,
    retired: Names,
    flows: z.object({ ...FlowChanges, cleared: Names }).openapi({ description: "the document's flow policies; `cleared`: policies of the source it no longer declares (with prune)" }),
  })
  .openapi("SyncResult");
