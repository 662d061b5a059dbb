/** The Hono app: public routes, /v1 (API key, JSON body guard), OpenAPI document and docs, one error handler. */
import { OpenAPIHono } from "@hono/zod-openapi";
import { Scalar } from "@scalar/hono-api-reference";
import type { AppEnv } from "./app-env";
import { AppError } from "./errors";
import { requireApiKey } from "./auth/middleware";
import { jsonBody } from "./routes/json-body";
import { triggers } from "./routes/triggers";
import { subscriptions } from "./routes/subscriptions";
import { fires } from "./routes/fires";
import { events } from "./routes/events";
import { live } from "./routes/live";
import { webhooks } from "./routes/webhooks";
import { providers } from "./routes/providers";
import { schedules } from "./routes/schedules";
import { awaits } from "./routes/awaits";
import { resumeRoutes } from "./routes/resume";

type Issue = { path: PropertyKey[]; message: string; code?: string };

/** zod failures (params, query, body) become 400 with the issues in details. */
function validationHook(result: { success: boolean; error?: { issues: Issue[] }; target?: string }) {
  if (result.success) return;
  const issues = (result.error?.issues ?? []).map((i) => ({ path: i.path.map(String).join("."), message: i.message, code: i.code }));
  const where = result.target === "json" ? "body" : result.target ?? "request";
  throw new AppError(400, "invalid_request", `Invalid ${where}: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ")}`.slice(0, 1000), issues);
}

export function createApp() {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook as never });

  app.onError(function errorEnvelope(err, c) {
    if (err instanceof AppError) {
      for (const [k, v] of Object.entries(err.headers ?? {})) c.header(k, v);
      return c.json(err.toJSON(), err.status);
    }
    const status = (err as { status?: number }).status;
    if (typeof status === "number" && status >= 400 && status < 500) {
      return c.json({ error: { code: "bad_request", message: err.message || "Bad request" } }, status as 400);
    }
    console.error("unhandled error", (err as Error).name, (err as Error).message);
    return c.json({ error: { code: "internal", message: "Internal error" } }, 500);
  });
  app.notFound((c) => c.json({ error: { code: "not_found", message: `No route for ${c.req.method} ${new URL(c.req.url).pathname}` } }, 404));

  app.get("/healthz", (c) => c.json({ ok: true }));

  app.route("/", webhooks);
  app.route("/", resumeRoutes);
  app.use("/v1/*", requireApiKey, jsonBody);
  app.route("/", providers);
  app.route("/", triggers);
  app.route("/", subscriptions);
  app.route("/", fires);
  app.route("/", events);
  app.route("/", live);
  app.route("/", schedules);
  app.route("/", awaits);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: { title: "Signalbox", version: "1.0.0", description: "Edge-native universal trigger service" },
  });
  app.get("/docs", Scalar({ url: "/openapi.json", pageTitle: "Signalbox API" }));
  return app;
}
