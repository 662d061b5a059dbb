/**
 * The OpenAPI document lists every route of the app (Hono's own route table
 * is the truth), each with a unique camelCase operationId and tags; the
 * definitions that used to be bare objects have real shapes; /docs works
 * offline (every asset it references is same-origin and answers 200).
 * Validation against the OpenAPI 3.1 meta-schema runs in Node
 * (test/e2e/openapi-document.test.mjs): the validator reads its schemas from disk.
 */
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { call } from "../helpers";

const WEBHOOK_METHODS = ["get", "post", "put", "patch", "delete"];

/** `/webhooks/:tenant/:path{.+}` → `/webhooks/{tenant}/{path}` */
function toOpenApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, "{$1}");
}

/** Method + path of every handler the app serves (middleware and wildcard mounts left out). */
function appRoutes(): { method: string; path: string }[] {
  const seen = new Set<string>();
  const out: { method: string; path: string }[] = [];
  for (const r of createApp().routes) {
    if (r.path.includes("*")) continue; // app.use("/v1/*", …) and other wildcard middleware
    const methods = r.method === "ALL" ? WEBHOOK_METHODS : [r.method.toLowerCase()];
    for (const method of methods) {
      const key = `${method} ${toOpenApiPath(r.path)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ method, path: toOpenApiPath(r.path) });
    }
  }
  return out;
}

async function document(): Promise<any> {
  const r = await call("GET", "/openapi.json", undefined, { key: null });
  expect(r.status).toBe(200);
  return r.body;
}

describe("OpenAPI document", () => {
  it("has every route of the app, each with an operationId and tags", async () => {
    const doc = await document();
    const routes = appRoutes();
    expect(routes.length).toBeGreaterThan(30);
    const missing = routes.filter(({ method, path }) => !doc.paths[path]?.[method]).map(({ method, path }) => `${method.toUpperCase()} ${path}`);
    expect(missing, "routes of the app missing from /openapi.json").toEqual([]);
    const untagged: string[] = [];
    const ids: string[] = [];
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        if (!op.operationId || !/^[a-z][A-Za-z0-9]*$/.test(op.operationId)) untagged.push(`${method} ${path}: operationId ${op.operationId}`);
        if (!Array.isArray(op.tags) || op.tags.length === 0) untagged.push(`${method} ${path}: no tags`);
        ids.push(op.operationId);
      }
    }
    expect(untagged, "operations without a camelCase operationId or tags").toEqual([]);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i), "duplicate operationIds").toEqual([]);
  });

  it("documents the public routes: healthz, every webhook method, resume", async () => {
    const doc = await document();
    expect(doc.paths["/healthz"].get.security ?? []).toEqual([]);
    for (const m of WEBHOOK_METHODS) expect(doc.paths["/webhooks/{tenant}/{path}"][m].responses["202"]).toBeDefined();
    expect(doc.paths["/resume/{token}"].post.responses["410"]).toBeDefined();
  });

  it("gives auth, transform, match and targets real shapes", async () => {
    const { components: { schemas } } = await document();
    const authTypes = schemas.WebhookAuth.oneOf.map((v: any) => v.properties.type.const);
    expect(authTypes).toEqual(["hmac", "bearer", "api_key", "basic", "none"]);
    expect(schemas.WebhookAuth.oneOf[0].properties.provider.enum).toContain("github");
    expect(schemas.Transform.properties.pick.additionalProperties.type).toBe("string");
    expect(schemas.MatchExpression.additionalProperties.anyOf.length).toBeGreaterThan(5);
    const def = schemas.TriggerDefinition.properties;
    expect(def.filter.$ref).toBe("#/components/schemas/MatchExpression");
    expect(def.transform.$ref).toBe("#/components/schemas/Transform");
    expect(JSON.stringify(schemas)).toContain('"$ref":"#/components/schemas/WebhookAuth"');
    expect(schemas.Target.oneOf.map((t: any) => t.$ref)).toEqual(["#/components/schemas/HttpTarget", "#/components/schemas/QueueTarget", "#/components/schemas/PullTarget"]);
    expect(schemas.HttpTarget.properties.url.type).toBe("string");
    expect(schemas.Subscription.properties.target.$ref).toBe("#/components/schemas/TargetView");
    expect(schemas.AwaitDefinition.oneOf.find((v: any) => v.properties.kind.enum?.[0] === "event" || v.properties.kind.const === "event").properties.match.$ref).toBe("#/components/schemas/MatchExpression");
  });
});

describe("/docs", () => {
  it("references only same-origin assets, and each answers 200", async () => {
    const page = await call("GET", "/docs", undefined, { key: null });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    const html = String(page.body);
    expect(html).not.toMatch(/(https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}/i);
    expect(page.headers.get("content-security-policy")).toMatch(/script-src 'self'/);
    const refs = [...html.matchAll(/\b(?:src|href|data-url)="([^"]+)"/g)].map((m) => m[1]).filter((r) => !r.startsWith("data:"));
    expect(refs.length).toBeGreaterThanOrEqual(3);
    for (const ref of refs) {
      expect(ref, "same-origin path").toMatch(/^\/[^/]/);
      const r = await call("GET", ref, undefined, { key: null });
      expect(r.status, `GET ${ref}`).toBe(200);
    }
    const bundle = await call("GET", "/docs/scalar.js", undefined, { key: null });
    expect(String(bundle.body)).toContain("createApiReference");
  });
});
