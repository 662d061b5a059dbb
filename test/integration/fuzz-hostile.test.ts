/**
 * Hostile-size fuzzing (fast-check, fixed seed): bodies around and far past
 * every limit, query strings with thousands of parameters or huge values, and
 * every webhook preset with random headers and bodies. Property: never a
 * 5xx, and every 4xx is the error envelope.
 */
import { describe, it, expect, beforeAll } from "vitest";
import fc from "fast-check";
import { call, fetchWorker, uniq } from "../helpers";
import { V1_ROUTES, headerText } from "../fuzz-arbitraries";

const SEED = 7;
const MiB = 1024 * 1024;

const PRESETS: Record<string, Record<string, unknown>> = {
  github: { type: "hmac", provider: "github", secret: "gh-secret" },
  stripe: { type: "hmac", provider: "stripe", secret: "whsec_stripe_test" },
  slack: { type: "hmac", provider: "slack", secret: "slack-signing-secret" },
  shopify: { type: "hmac", provider: "shopify", secret: "shpss_secret" },
  "standard-webhooks": { type: "hmac", provider: "standard-webhooks", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" },
  linear: { type: "hmac", provider: "linear", secret: "lin_wh_secret" },
  sentry: { type: "hmac", provider: "sentry", secret: "sentry-secret" },
  generic: { type: "hmac", provider: "generic", secret: "generic-secret", header: "x-signature", algorithm: "sha256", encoding: "hex" },
  bearer: { type: "bearer", token: "tok" },
  api_key: { type: "api_key", header: "x-api-key", value: "k" },
  basic: { type: "basic", username: "u", password: "p" },
  none: { type: "none" },
};

const paths: Record<string, string> = {};
let eventTrigger = "";

function checkEnvelope(status: number, text: string, what: string): void {
  expect(status, what).toBeLessThan(500);
  if (status >= 400 && status !== 405) {
    const body = JSON.parse(text);
    expect(typeof body.error?.code, what).toBe("string");
    expect(typeof body.error?.message, what).toBe("string");
  }
}

async function raw(method: string, url: string, headers: Record<string, string>, body?: BodyInit): Promise<{ status: number; text: string }> {
  const res = await fetchWorker(new Request(url, { method, headers, body }));
  return { status: res.status, text: await res.text() };
}

beforeAll(async () => {
  eventTrigger = uniq("fzh");
  await call("PUT", `/v1/triggers/${eventTrigger}`, { type: "event" });
  for (const [preset, auth] of Object.entries(PRESETS)) {
    const name = uniq(`fzh-${preset.replace(/_/g, "-")}`);
    const path = name.replace(/[^a-z0-9.-]/g, "-").toLowerCase();
    const r = await call("PUT", `/v1/triggers/${name}`, { type: "webhook", webhook: { path, auth, methods: ["POST", "PUT", "GET"] } });
    expect(r.status, preset).toBe(201);
    paths[preset] = path;
  }
});

/** A JSON body of about `size` bytes (one big string member). */
const bigJson = (size: number) => JSON.stringify({ data: { blob: "x".repeat(Math.max(0, size - 20)) } }); // exactly `size` bytes

describe("bodies around and past every limit", () => {
  const sizes = fc.constantFrom(1024, 900 * 1024, MiB - 1, MiB + 1, 1.5 * MiB, 3 * MiB);
  const bodyRoutes = V1_ROUTES.filter((r) => r.body);

  it("every /v1 route with a body: never 5xx", { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...bodyRoutes), sizes, async (route, size) => {
        const parts = { name: eventTrigger, flow: "f", eventId: "evt_1_aaaaaaaaaa", deliveryId: "dlv_x.1.0.aaaaaa", rawName: eventTrigger, rawFlow: "f", ghost: "ghost", pick: 0 };
        const r = await raw(route.method, `http://signalbox.test${route.path(parts)}`, { authorization: "Bearer acme-key", "content-type": "application/json" }, bigJson(size));
        checkEnvelope(r.status, r.text, `${route.id} ${size}`);
        if (size > MiB) expect(r.status, `${route.id} ${size}`).toBe(413);
      }),
      { seed: SEED, numRuns: 40 },
    );
  });

  it("every webhook preset: never 5xx, 413 past the body cap", { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(PRESETS)), sizes, async (preset, size) => {
        const r = await raw("POST", `http://signalbox.test/webhooks/acme/${paths[preset]}`, { "content-type": "application/json", authorization: "Bearer tok", "x-api-key": "k" }, bigJson(size));
        checkEnvelope(r.status, r.text, `${preset} ${size}`);
        if (size > MiB) expect(r.status, `${preset} ${size}`).toBe(413);
      }),
      { seed: SEED, numRuns: 40 },
    );
  });
});

describe("query strings of any length or count", () => {
  const query = fc.oneof(
    fc.integer({ min: 1, max: 3000 }).map((n) => Array.from({ length: n }, (_, i) => `k${i % 7}=${i}`).join("&")),
    fc.integer({ min: 1, max: 12_000 }).map((n) => `types=${"a,".repeat(n)}&after=1&limit=5&q=${"z".repeat(n % 500)}`),
    fc.array(fc.tuple(fc.constantFrom("limit", "cursor", "after", "types", "status", "q", "count", "waitMs", "key", "subscribedBy"), fc.string({ maxLength: 400 })), { maxLength: 200 })
      .map((kv) => kv.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&")),
  );

  it("every GET route: never 5xx", { timeout: 120_000 }, async () => {
    const getRoutes = V1_ROUTES.filter((r) => r.method === "GET");
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...getRoutes), query, async (route, q) => {
        const parts = { name: eventTrigger, flow: "f", eventId: "evt_1_aaaaaaaaaa", deliveryId: "dlv_x.1.0.aaaaaa", rawName: eventTrigger, rawFlow: "f", ghost: "ghost", pick: 0 };
        const r = await raw("GET", `http://signalbox.test${route.path(parts)}?${q}`, { authorization: "Bearer acme-key" });
        checkEnvelope(r.status, r.text, `${route.id} ?${q.slice(0, 80)}… (${q.length} chars)`);
      }),
      { seed: SEED, numRuns: 60 },
    );
  });

  it("the webhook ingress of every preset: never 5xx", { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(PRESETS)), query, async (preset, q) => {
        const r = await raw("POST", `http://signalbox.test/webhooks/acme/${paths[preset]}?${q}`, { "content-type": "application/json", "x-api-key": "k" }, "{}");
        checkEnvelope(r.status, r.text, `${preset} ?${q.slice(0, 80)}…`);
      }),
      { seed: SEED, numRuns: 60 },
    );
  });
});

describe("every webhook preset with random requests", () => {
  const sigHeaders = ["x-hub-signature-256", "stripe-signature", "x-slack-signature", "x-slack-request-timestamp", "x-shopify-hmac-sha256", "webhook-id", "webhook-timestamp", "webhook-signature", "linear-signature", "sentry-hook-signature", "x-signature", "authorization", "x-api-key", "x-github-delivery", "x-github-event", "content-type"];
  const headers = fc.array(fc.tuple(fc.constantFrom(...sigHeaders), headerText(120)), { maxLength: 10 });
  const body = fc.oneof(fc.json({ maxDepth: 4 }), fc.string({ maxLength: 300 }), fc.constant('{"type":"url_verification","challenge":"c"}'), fc.constant(""));

  it("never 5xx; a refusal is the envelope", { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(PRESETS)), headers, body, fc.constantFrom("POST", "PUT", "GET", "DELETE"), async (preset, hs, b, method) => {
        const h: Record<string, string> = {};
        for (const [k, v] of hs) h[k] = v;
        const r = await raw(method, `http://signalbox.test/webhooks/acme/${paths[preset]}`, h, method === "GET" ? undefined : b);
        checkEnvelope(r.status, r.text, `${preset} ${method}`);
      }),
      { seed: SEED, numRuns: 150 },
    );
  });
});
