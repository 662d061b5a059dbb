/** GET /v1/providers: the webhook signature presets, their headers and default dedup keys. */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { scope } from "../auth/middleware";
import { PROVIDERS } from "../domain/webhook-auth";
import { errorResponses, json } from "../schemas/common";
import { reply } from "./http";

export const providers = new OpenAPIHono<AppEnv>();

const Provider = z.object({
  provider: z.string(), signatureHeaders: z.array(z.string()), timestampTolerance: z.boolean(),
  defaultDedupKey: z.string().nullable(), description: z.string(),
}).openapi("Provider");

providers.openapi(
  createRoute({
    method: "get", path: "/v1/providers", operationId: "listProviders", tags: ["Webhooks"], security: [{ bearer: [] }], middleware: [scope("read")] as const,
    summary: "Webhook signature presets",
    responses: { 200: json(z.object({ providers: z.array(Provider) }), "The presets"), ...errorResponses },
  }),
  (c) => reply(c, { providers: PROVIDERS }),
);
