/** GET /v1/triggers/{name}/events: the trigger's append-only audit stream. */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { scope } from "../auth/middleware";
import { TriggerNameParam, errorResponses, json } from "../schemas/common";
import { StreamEvent } from "../schemas/fire";
import { reply, rpc } from "./http";

export const events = new OpenAPIHono<AppEnv>();

events.openapi(
  createRoute({
    method: "get", path: "/v1/triggers/{name}/events", operationId: "listEvents", tags: ["Streams"], security: [{ bearer: [] }], middleware: [scope("read")] as const,
    summary: "Read the stream after a seq, optionally only some types",
    request: {
      params: TriggerNameParam,
      query: z.object({
        after: z.coerce.number().int().min(0).default(0),
        limit: z.coerce.number().int().min(1).max(500).default(50),
        types: z.string().max(1000).regex(/^[a-z._,]*$/, "comma-separated event types").optional(),
        cursor: z.string().regex(/^\d{1,15}$/, "not a cursor this API returned").optional(),
      }),
    },
    responses: { 200: json(z.object({ events: z.array(StreamEvent), nextCursor: z.string().nullable() }), "Events"), ...errorResponses },
  }),
  async (c) => {
    const { name } = c.req.valid("param");
    const { after, limit, types, cursor } = c.req.valid("query");
    const list = types ? types.split(",").filter(Boolean) : null;
    return reply(c, await rpc(c.var.store.trigger(name).events(cursor ? Number(cursor) : after, limit, list)), 200);
  },
);
