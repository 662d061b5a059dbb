/**
 * GET /v1/metrics: the key's tenant as Prometheus text. Reads the figures
 * each trigger's object pushed to the D1 index with its coalesced stats (one
 * row per trigger) and the awaits by run; touches no object and writes
 * nothing.
 */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { scope } from "../auth/middleware";
import { EXPOSITION_CONTENT_TYPE, renderExposition, tenantFamilies } from "../domain/metrics";
import { errorResponses } from "../schemas/common";

export const metrics = new OpenAPIHono<AppEnv>();

metrics.openapi(
  createRoute({
    method: "get", path: "/v1/metrics", operationId: "getMetrics", tags: ["Operations"], security: [{ bearer: [] }], middleware: [scope("read")] as const,
    summary: "Prometheus metrics of the key's tenant",
    description: "Text exposition format 0.0.4. Figures lag the triggers by up to 10 s (their coalesced stats); a scrape reads one index row per trigger and writes nothing.",
    responses: {
      200: { description: "The tenant's metric families", content: { "text/plain": { schema: z.string() } } },
      ...errorResponses,
    },
  }),
  async (c) => {
    const store = c.var.store;
    const [triggers, awaits, flows] = await Promise.all([store.metrics.triggers(), store.metrics.awaits(), store.flows.figures()]);
    const text = renderExposition(tenantFamilies(triggers, awaits, Date.now(), flows));
    c.header("cache-control", "no-store");
    c.header("x-signalbox-d1-rows-read", String(store.metrics.rowsRead));
    return c.text(text, 200, { "content-type": EXPOSITION_CONTENT_TYPE });
  },
);
