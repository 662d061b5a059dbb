/**
 * OpenAPI entries for the routes that are plain Hono handlers (they read raw
 * bodies, so zod does not parse them): /healthz, webhook ingress, /resume,
 * the document itself and /docs. Registered into the app's registry so the
 * document lists every route of the app.
 */
import { z, type OpenAPIHono } from "@hono/zod-openapi";
import { ErrorEnvelope, json } from "../schemas/common";

type Registry = OpenAPIHono["openAPIRegistry"];

const err = (description: string) => json(ErrorEnvelope, description);

const WebhookParams = z.object({
  tenant: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/).openapi({ param: { name: "tenant", in: "path" }, example: "acme" }),
  path: z.string().min(1).max(128).openapi({
    param: { name: "path", in: "path", description: "the trigger's webhook.path; may hold several '/'-separated segments" },
    example: "stripe",
  }),
});

const WebhookAnswer = z.object({ id: z.string(), status: z.enum(["accepted", "deduplicated"]) }).openapi("WebhookAccepted");

const WEBHOOK_METHODS = ["get", "post", "put", "patch", "delete"] as const;

/** No API key: the document's default (a bearer key, for every /v1 route) does not apply here. */
const PUBLIC: Record<string, string[]>[] = [];

export function registerPublicPaths(registry: Registry): void {
  registry.registerPath({
    method: "get", path: "/healthz", operationId: "getHealth", tags: ["Operations"], security: PUBLIC,
    summary: "Liveness (public)",
    responses: { 200: json(z.object({ ok: z.literal(true) }), "The Worker answers") },
  });

  for (const method of WEBHOOK_METHODS) {
    registry.registerPath({
      method, path: "/webhooks/{tenant}/{path}", tags: ["Webhooks"], security: PUBLIC,
      operationId: `receiveWebhook${method[0].toUpperCase()}${method.slice(1)}`,
      summary: `Webhook ingress (${method.toUpperCase()}, public: the trigger's webhook.auth decides)`,
      description: "Stored durably before the 202; transform, schema, filter and delivery happen after the answer. Methods other than the trigger's webhook.methods are 405.",
      request: {
        params: WebhookParams,
        ...(method === "get" || method === "delete" ? {} : { body: { required: false, content: { "application/json": { schema: z.unknown() }, "*/*": { schema: z.string() } } } }),
      },
      responses: {
        200: json(z.object({ challenge: z.string() }), "A Slack url_verification challenge, answered"),
        202: json(WebhookAnswer, "Stored"),
        401: err("The request fails the trigger's webhook.auth (not stored)"),
        403: err("The source IP is not in the trigger's ipAllowlist"),
        404: err("Unknown tenant or path"),
        405: err("The trigger does not take this method"),
        410: err("The trigger is retired"),
        413: err("The body is over the trigger's maxBodyBytes"),
        429: err("Over the trigger's rate limit"),
      },
    });
  }

  registry.registerPath({
    method: "post", path: "/resume/{token}", operationId: "resumeAwait", tags: ["Awaits"], security: PUBLIC,
    summary: "Resolve a webhook await (public: the token is the secret)",
    request: {
      params: z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{22,128}$/).openapi({ param: { name: "token", in: "path" } }) }),
      body: { required: false, content: { "application/json": { schema: z.unknown() } } },
    },
    responses: {
      200: json(z.object({ status: z.literal("resolved") }), "Resolved"),
      400: err("Malformed JSON"),
      404: err("Unknown token"),
      409: err("Already resolved"),
      410: err("Expired or cancelled"),
      415: err("The body is not JSON"),
      422: err("The body fails the await's schema (it stays waiting)"),
    },
  });

  registry.registerPath({
    method: "get", path: "/openapi.json", operationId: "getOpenApiDocument", tags: ["Operations"], security: PUBLIC,
    summary: "This OpenAPI 3.1 document",
    responses: { 200: json(z.record(z.string(), z.unknown()), "The document") },
  });

  registry.registerPath({
    method: "get", path: "/docs", operationId: "getApiReference", tags: ["Operations"], security: PUBLIC,
    summary: "The API reference (HTML; its assets are served by the Worker under /docs/)",
    responses: { 200: { description: "The reference page", content: { "text/html": { schema: z.string() } } } },
  });

  for (const [file, operationId, what] of [["init.js", "getApiReferenceInit", "start-up script"], ["scalar.js", "getApiReferenceBundle", "Scalar bundle"]]) {
    registry.registerPath({
      method: "get", path: `/docs/${file}`, operationId, tags: ["Operations"], security: PUBLIC,
      summary: `The API reference's ${what}`,
      responses: { 200: { description: "JavaScript", content: { "text/javascript": { schema: z.string() } } } },
    });
  }
}
