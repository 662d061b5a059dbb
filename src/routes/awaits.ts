/** Awaits: PUT/GET/DELETE /v1/runs/{runId}/awaits/{step}, GET /v1/runs/{runId}/awaits. */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { scope } from "../auth/middleware";
import { errorResponses, json, jsonBody, NAME_PATTERN } from "../schemas/common";
import { AwaitBody, AwaitView } from "../schemas/await";
import { baseUrl, reply, rpc } from "./http";
import { refuse, targetProblem } from "./target-checks";
import { AppError, TRIGGER_NOT_FOUND, triggerNotFound } from "../errors";

export const awaits = new OpenAPIHono<AppEnv>();
const security = [{ bearer: [] }];
const Id = (name: string) => z.string().regex(NAME_PATTERN, "must match ^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$").openapi({ param: { name, in: "path" } });
const RunParam = z.object({ runId: Id("runId") });
const StepParam = RunParam.extend({ step: Id("step") });

type PutAnswer = { created: boolean; await: Record<string, unknown>; resumeToken?: string; secret?: string };

awaits.openapi(
  createRoute({
    method: "put", path: "/v1/runs/{runId}/awaits/{step}", operationId: "putAwait", tags: ["Awaits"], security, middleware: [scope("fire")] as const,
    summary: "Wait: sleep, until, event or webhook (approval); the same body again is 200, a different one 409",
    request: { params: StepParam, body: jsonBody(AwaitBody) },
    responses: { 201: json(AwaitView, "Created (resumeUrl and a generated callback secret appear only here)"), 200: json(AwaitView, "The same await"), ...errorResponses },
  }),
  async (c) => {
    const { runId, step } = c.req.valid("param");
    const def = c.req.valid("json");
    if (def.callback) refuse(targetProblem(c.env, c.var.store.tenant, def.callback, "callback"));
    let r: PutAnswer;
    try {
      r = await rpc<PutAnswer>(c.var.store.run(runId).put(c.var.store.tenant, runId, step, def));
    } catch (e) {
      // an event await names a trigger that does not exist: say which
      if (e instanceof AppError && e.message === TRIGGER_NOT_FOUND && def.kind === "event") throw triggerNotFound(def.trigger, ": an event await waits for the fires of an existing trigger");
      throw e;
    }
    const body = { ...r.await, ...(r.resumeToken ? { resumeUrl: `${baseUrl(c)}/resume/${r.resumeToken}` } : {}), ...(r.secret ? { secret: r.secret } : {}) };
    return reply(c, body, r.created ? 201 : 200);
  },
);

awaits.openapi(
  createRoute({
    method: "get", path: "/v1/runs/{runId}/awaits/{step}", operationId: "getAwait", tags: ["Awaits"], security, middleware: [scope("read")] as const,
    summary: "One await and its state",
    request: { params: StepParam },
    responses: { 200: json(AwaitView, "The await"), ...errorResponses },
  }),
  async (c) => {
    const { runId, step } = c.req.valid("param");
    return reply(c, await rpc(c.var.store.run(runId).get(step)));
  },
);

awaits.openapi(
  createRoute({
    method: "delete", path: "/v1/runs/{runId}/awaits/{step}", operationId: "cancelAwait", tags: ["Awaits"], security, middleware: [scope("fire")] as const,
    summary: "Cancel a waiting await (its callback gets await.cancelled)",
    request: { params: StepParam },
    responses: { 200: json(AwaitView, "The await, cancelled (or already settled)"), ...errorResponses },
  }),
  async (c) => {
    const { runId, step } = c.req.valid("param");
    return reply(c, await rpc(c.var.store.run(runId).cancel(step)));
  },
);

awaits.openapi(
  createRoute({
    method: "get", path: "/v1/runs/{runId}/awaits", operationId: "listAwaits", tags: ["Awaits"], security, middleware: [scope("read")] as const,
    summary: "All awaits of a run",
    request: { params: RunParam },
    responses: { 200: json(z.object({ awaits: z.array(AwaitView) }), "The run's awaits"), ...errorResponses },
  }),
  async (c) => {
    const { runId } = c.req.valid("param");
    return reply(c, await c.var.store.run(runId).list());
  },
);
