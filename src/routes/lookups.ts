/**
 * Lookups by id for the dashboard's search: GET /v1/fires/{eventId} (fire
 * ids carry their trigger's hash, found through the D1 index) and
 * GET /v1/deliveries/{deliveryId} (delivery ids carry their trigger's name).
 * Both stay inside the key's tenant; an id that is malformed, unknown or
 * another tenant's is 404.
 */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { scope } from "../auth/middleware";
import { AppError, isRpcFailure, unwrap } from "../errors";
import { errorResponses, json } from "../schemas/common";
import { hashOfEventId, parseDeliveryId, triggerHash } from "../contracts/ids";
import { reply, rpc } from "./http";

export const lookups = new OpenAPIHono<AppEnv>();
const security = [{ bearer: [] }];

// any string: a malformed id is a 404 like an unknown one, never a 400
const AnyId = (name: string) => z.string().openapi({ param: { name, in: "path" } });

const DeliveryAnswer = z
  .object({
    deliveryId: z.string(), trigger: z.string(), eventId: z.string(), flow: z.string(), status: z.string(), attempts: z.number(),
    lastStatusCode: z.number().nullable(), lastError: z.string().nullable(), nextAttemptAt: z.number().nullable(), deliveredAt: z.number().nullable(),
    delivery: z.record(z.string(), z.unknown()).openapi({ description: "The delivery as the fire view lists it" }),
  })
  .passthrough()
  .openapi("DeliveryLookup");

lookups.openapi(
  createRoute({
    method: "get", path: "/v1/fires/{eventId}", operationId: "findFire", tags: ["Fires"], security, middleware: [scope("read")] as const,
    summary: "A fire by its id alone (as GET /v1/triggers/{name}/fires/{eventId}, plus trigger)",
    request: { params: z.object({ eventId: AnyId("eventId") }) },
    responses: { 200: json(z.record(z.string(), z.unknown()), "The fire, with its trigger"), ...errorResponses },
  }),
  async (c) => {
    const { eventId } = c.req.valid("param");
    const missing = new AppError(404, "not_found", `Fire '${eventId}' not found`);
    const hash = eventId.length <= 300 ? hashOfEventId(eventId) : null;
    if (!hash) throw missing;
    const store = c.var.store;
    const names = (await store.index.namesByHash(hash)).filter((n) => triggerHash(store.tenant, n) === hash);
    for (const name of names) {
      const fire = await store.trigger(name).getFire(eventId);
      if (!isRpcFailure(fire)) return reply(c, { ...fire, trigger: name }, 200);
      if (fire.__error.status !== 404) unwrap(fire);
    }
    throw missing;
  },
);

lookups.openapi(
  createRoute({
    method: "get", path: "/v1/deliveries/{deliveryId}", operationId: "findDelivery", tags: ["Fires"], security, middleware: [scope("read")] as const,
    summary: "A delivery by its id: its state, its trigger and its fire",
    request: { params: z.object({ deliveryId: AnyId("deliveryId") }) },
    responses: { 200: json(DeliveryAnswer, "The delivery"), ...errorResponses },
  }),
  async (c) => {
    const { deliveryId } = c.req.valid("param");
    const ref = deliveryId.length <= 400 ? parseDeliveryId(deliveryId) : null;
    if (!ref) throw new AppError(404, "not_found", `Delivery '${deliveryId}' not found`);
    return reply(c, await rpc(c.var.store.trigger(ref.trigger).getDelivery(deliveryId)), 200);
  },
);
