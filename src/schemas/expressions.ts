/**
 * Match expressions, transforms and webhook auth configs. Each is checked at
 * run time by its pure validator in src/domain (their messages name the field
 * and say what was expected, which a zod union's "Invalid input" does not), and
 * documented by the JSON Schema shape given to `.openapi()` here: with a
 * `type` in the metadata the generator takes the shape as written.
 */
import { z } from "@hono/zod-openapi";
import { validateMatch } from "../domain/match";
import { validateTransform } from "../domain/transform";
import { validateWebhookAuth } from "../domain/webhook-auth/validate";
import { PROVIDERS } from "../domain/webhook-auth/providers";
import { JsonObject } from "./common";

type SchemaObject = Record<string, unknown>;

/** Turns a pure validator's problem list into zod issues. */
function refineWith(check: (v: unknown) => string[]) {
  return (v: unknown, ctx: z.RefinementCtx) => {
    for (const message of check(v)) ctx.addIssue({ code: "custom", message });
  };
}

const json: SchemaObject = { description: "Any JSON value (deep equality)" };
const op = (name: string, schema: SchemaObject, description: string): SchemaObject => ({
  type: "object", required: [name], additionalProperties: false, properties: { [name]: schema }, description,
});

const matchDoc = {
  type: "object",
  description:
    'All `"dot.path": expected` pairs must hold against `{data, source, trigger, eventType, headers}` (payload fields are `data.x`). ' +
    "An expected value is a literal (deep equality) or one operator object.",
  example: { "data.status": "paid", "data.amount": { $gte: 100 }, eventType: { $in: ["push", "release"] } },
  maxProperties: 64,
  propertyNames: { minLength: 1 },
  additionalProperties: {
    anyOf: [
      op("$in", { type: "array", items: {} }, "one of these values"),
      op("$ne", {}, "anything but this value (or absent)"),
      op("$exists", { type: "boolean" }, "present (true) or absent (false)"),
      op("$gt", { type: "number" }, "greater than"),
      op("$gte", { type: "number" }, "greater than or equal"),
      op("$lt", { type: "number" }, "less than"),
      op("$lte", { type: "number" }, "less than or equal"),
      op("$prefix", { type: "string" }, "a string starting with this"),
      json,
    ],
  },
} as const;

/** A match expression (trigger `filter`, await `match`). */
export const MatchExpression = JsonObject.superRefine(refineWith(validateMatch)).openapi("MatchExpression", matchDoc as never);

const transformDoc = {
  type: "object",
  description: 'Builds the payload from the raw body: each output field takes a JSON pointer into the body, or `"$headers.<name>"` for a request header.',
  required: ["pick"],
  additionalProperties: false,
  properties: {
    pick: {
      type: "object",
      minProperties: 1,
      additionalProperties: { type: "string", description: 'a JSON pointer ("" or "/a/b") or "$headers.x-name"' },
    },
  },
  example: { pick: { orderId: "/data/object/id", delivery: "$headers.x-github-delivery" } },
} as const;

/** A declarative transform (`{"pick": {"out": "/json/pointer"}}`). */
export const TransformSpec = JsonObject.superRefine(refineWith(validateTransform)).openapi("Transform", transformDoc as never);

const secret = (description: string): SchemaObject => ({ type: "string", minLength: 1, maxLength: 1024, writeOnly: true, description: `${description} (write-only: reads show "********")` });
const authVariant = (type: string, properties: SchemaObject, required: string[], title: string): SchemaObject => ({
  title, type: "object", additionalProperties: false, required: ["type", ...required],
  properties: { type: { type: "string", const: type }, ...properties },
});

const webhookAuthDoc = {
  type: "object",
  description: "How a webhook request proves where it comes from; a request that fails it is 401 and is not stored.",
  oneOf: [
    authVariant("hmac", {
      provider: { type: "string", enum: PROVIDERS.map((p) => p.provider) },
      secret: secret("the signing secret"),
      toleranceSeconds: { type: "integer", minimum: 1, maximum: 86400, description: "timestamp tolerance of providers that sign one" },
      header: { type: "string", description: "generic only: the signature header", example: "x-signature" },
      algorithm: { type: "string", enum: ["sha256", "sha1", "sha512"], description: "generic only" },
      encoding: { type: "string", enum: ["hex", "base64"], description: "generic only" },
      prefix: { type: "string", description: "generic only: text before the signature", example: "sha256=" },
    }, ["provider", "secret"], "HMAC signature (provider preset or generic)"),
    authVariant("bearer", { token: secret("the expected bearer token") }, ["token"], "Bearer token"),
    authVariant("api_key", {
      header: { type: "string", description: "the header carrying the key", example: "x-api-key" },
      query: { type: "string", description: "or the query parameter carrying it", example: "key" },
      value: secret("the expected key"),
    }, ["value"], "API key in a header or query parameter"),
    authVariant("basic", { username: secret("user name"), password: secret("password") }, ["username", "password"], "HTTP Basic"),
    authVariant("none", {}, [], "No authentication"),
  ],
} as const;

/** A webhook trigger's `webhook.auth`. */
export const WebhookAuth = JsonObject.superRefine(refineWith(validateWebhookAuth)).openapi("WebhookAuth", webhookAuthDoc as never);
