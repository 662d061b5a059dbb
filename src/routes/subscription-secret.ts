/** POST /v1/triggers/{name}/subscriptions/{flow}/rotate-secret: a new signing secret, the old one still signing for an overlap. */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { scope } from "../auth/middleware";
import { FlowParam, TriggerNameParam, errorResponses, json } from "../schemas/common";
import { SubscriptionView } from "../schemas/subscription";
import { reply, rpc } from "./http";

export const subscriptionSecret = new OpenAPIHono<AppEnv>();

const RotateBody = z
  .strictObject({
    overlapHours: z.number().min(0).max(720).optional().openapi({ description: "How long deliveries are also signed with the old secret (hours, default 24; 0: replace at once)" }),
  })
  .openapi("RotateSecretRequest");

const RotateAnswer = SubscriptionView.extend({
  secret: z.string().openapi({ description: "The new whsec_ secret, shown only in this answer" }),
  previousSecretExpiresAt: z.number().nullable().openapi({ description: "Until when deliveries also carry a signature by the old secret (epoch ms; null: not at all)" }),
}).openapi("RotateSecretAnswer");

subscriptionSecret.openapi(
  createRoute({
    method: "post", path: "/v1/triggers/{name}/subscriptions/{flow}/rotate-secret", operationId: "rotateSubscriptionSecret",
    tags: ["Subscriptions"], security: [{ bearer: [] }], middleware: [scope("write")] as const,
    summary: "Rotate an http subscription's signing secret; during the overlap deliveries carry signatures by both secrets",
    request: { params: TriggerNameParam.extend({ flow: FlowParam }), body: { required: false, content: { "application/json": { schema: RotateBody } } } },
    responses: {
      200: json(RotateAnswer, "Rotated: the new secret, returned once"), ...errorResponses,
      409: json(z.object({ error: z.unknown() }), "The subscription's target is not http (nothing is signed)"),
    },
  }),
  async (c) => {
    const { name, flow } = c.req.valid("param");
    const { overlapHours } = c.req.valid("json");
    return reply(c, await rpc(c.var.store.trigger(name).rotateSecret(flow, overlapHours ?? 24)), 200);
  },
);
