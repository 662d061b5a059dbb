/** The Hono app: public routes, /v1 (API key, JSON body guard), OpenAPI document and docs, one error handler. */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./app-env";
import { AppError, TRIGGER_NOT_FOUND, triggerNotFound } from "./errors";
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
import { lookups } from "./routes/lookups";
import { feed } from "./routes/feed";
import { runs } from "./routes/runs";
import { subscriptionSecret } from "./routes/subscription-secret";
import { apiCors } from "./http/cors";
import { notFoundOrMethodNotAllowed } from "./http/method-not-allowed";
import { validationHook } from "./http/validation";
import { docs } from "./routes/docs";
import { registerPublicPaths } from "./routes/public-paths";
import { metrics } from "./routes/metrics";
import { transfer } from "./routes/transfer";
import { sync } from "./routes/sync";
import { maintenance } from "./routes/maintenance";
import { flows } from "./routes/flows";
import { requestLog } from "./observability/request-log";

export function createApp() {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: ((result: Parameters<typeof validationHook>[0]) => validationHook(result)) as never });

  app.onError(function errorEnvelope(err, c) {
    if (err instanceof AppError) {
      for (const [k, v] of Object.entries(err.headers ?? {})) c.header(k, v);
      // the object does not know the name it was asked for; the route does
      const name = err.status === 404 && err.message === TRIGGER_NOT_FOUND ? c.req.param("name") : undefined;
      return c.json((name ? triggerNotFound(name) : err).toJSON(), err.status);
    }
    const status = (err as { status?: number }).status;
    if (status === 415) return c.json({ error: { code: "unsupported_media_type", message: "Request bodies must be JSON (content-type: application/json)" } }, 415);
    if (typeof status === "number" && status >= 400 && status < 500) {
      return c.json({ error: { code: "bad_request", message: err.message || "Bad request" } }, status as 400);
    }
    console.error(JSON.stringify({ msg: "unhandled error", error: (err as Error).name, path: new URL(c.req.url).pathname.startsWith("/resume/") ? "/resume/:token" : new URL(c.req.url).pathname }));
    return c.json({ error: { code: "internal", message: "Internal error" } }, 500);
  });
  app.notFound(notFoundOrMethodNotAllowed(app));

  app.use("*", requestLog);
  app.get("/healthz", (c) => c.json({ ok: true }));

  app.route("/", webhooks);
  app.route("/", resumeRoutes);
  app.use("/v1/*", apiCors, requireApiKey, jsonBody);
  app.route("/", providers);
  app.route("/", triggers);
  app.route("/", subscriptions);
  app.route("/", fires);
  app.route("/", events);
  app.route("/", live);
  app.route("/", schedules);
  app.route("/", awaits);
  app.route("/", feed);
  app.route("/", lookups);
  app.route("/", runs);
  app.route("/", subscriptionSecret);
  app.route("/", flows);
  app.route("/", metrics);
  app.route("/", transfer);
  app.route("/", sync);
  app.route("/", maintenance);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });
  registerPublicPaths(app.openAPIRegistry);
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Signalbox", version: "1.0.0",
      description: "Edge-native universal trigger service. Every `/v1` call needs `Authorization: Bearer <key>` (keys come from the `API_KEYS` secret; `npm run dev` has `dev-key-change-me`). Webhooks, `/resume/{token}`, `/healthz` and these docs are public.",
    },
    // the default for every operation; the public ones say `security: []` (src/routes/public-paths.ts)
    security: [{ bearer: [] }],
  });
  app.route("/", docs);
  return app;
}
