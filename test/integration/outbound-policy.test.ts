/**
 * The outbound-address policy through the HTTP surface: with
 * ALLOW_PRIVATE_TARGETS unset (as in production) http targets, await
 * callbacks and poll URLs that point at loopback, private, link-local, CGNAT,
 * unspecified or metadata addresses are a 400 invalid_target naming the
 * field, and nothing is written; with it set (as the test config and
 * `npm run dev` do) the same addresses are accepted.
 */
import { describe, it, expect } from "vitest";
import { env as workerEnv } from "cloudflare:workers";
import { createExecutionContext } from "cloudflare:test";
import worker from "../../src/index";
import { call, KEYS, uniq } from "../helpers";

/** Calls the Worker as a deployment without ALLOW_PRIVATE_TARGETS would run it (the same bindings otherwise). */
async function strict(method: string, path: string, body?: unknown, flag?: string) {
  const env = { ...(workerEnv as unknown as Record<string, unknown>), ALLOW_PRIVATE_TARGETS: flag };
  const req = new Request(`http://signalbox.test${path}`, {
    method, headers: { authorization: `Bearer ${KEYS.acme}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const res = await worker.fetch(req as any, env as any, createExecutionContext());
  return { status: res.status, body: (await res.json()) as any };
}

const PRIVATE = [
  "http://127.0.0.1:9000/hook", "http://localhost/hook", "http://LOCALHOST./hook", "http://2130706433/", "http://0x7f.1/", "http://127.1/",
  "http://0/", "http://10.1.2.3/", "http://172.16.5.4/", "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data/",
  "http://100.64.0.1/", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://[::ffff:169.254.169.254]/", "http://[fe80::1]/",
  "http://[fd00:ec2::254]/", "http://[::]/", "http://metadata.google.internal/",
];

function expectRefused(r: { status: number; body: any }, field: string, what: string) {
  expect(r.status, `${what}: ${JSON.stringify(r.body)}`).toBe(400);
  expect(r.body.error.code, what).toBe("invalid_target");
  expect(r.body.error.message, what).toContain(field);
  expect(r.body.error.details, what).toEqual([{ path: field, message: expect.stringContaining("ALLOW_PRIVATE_TARGETS") }]);
}

describe("outbound addresses without ALLOW_PRIVATE_TARGETS", () => {
  it("an http subscription target at a private address is 400 invalid_target naming target.url, and nothing is stored", async () => {
    const name = uniq("ssrf");
    expect((await strict("PUT", `/v1/triggers/${name}`, { type: "event" })).status).toBe(201);
    for (const url of PRIVATE) expectRefused(await strict("PUT", `/v1/triggers/${name}/subscriptions/f`, { target: { type: "http", url } }), "target.url", url);
    expectRefused(await strict("PUT", `/v1/triggers/${name}/subscriptions/f`, { target: { type: "http", url: "http://127.0.0.1/" } }, "false"), "target.url", "flag false");
    expect((await call("GET", `/v1/triggers/${name}`)).body.subscriptions).toEqual({});
    for (const url of ["https://flows.example/hook", "http://93.184.216.34/", "http://[2606:4700::1111]/"]) {
      const ok = await strict("PUT", `/v1/triggers/${name}/subscriptions/pub`, { mode: "manual", target: { type: "http", url } });
      expect(ok.status, url).toBeLessThan(300);
    }
  });

  it("an await callback at a private address is 400 naming callback.url, and no await is created", async () => {
    const runId = uniq("ssrfrun");
    for (const url of ["http://169.254.169.254/", "http://[::ffff:10.0.0.1]/", "http://localhost:9000/cb"]) {
      expectRefused(await strict("PUT", `/v1/runs/${runId}/awaits/s`, { kind: "sleep", durationMs: 60_000, callback: { type: "http", url } }), "callback.url", url);
    }
    expect((await call("GET", `/v1/runs/${runId}/awaits/s`)).status).toBe(404);
    expect((await strict("PUT", `/v1/runs/${runId}/awaits/s`, { kind: "sleep", durationMs: 60_000, callback: { type: "http", url: "https://flows.example/cb" } })).status).toBe(201);
  });

  it("a poll URL at a private address is 400 naming poll.url, and no trigger is registered", async () => {
    const name = uniq("ssrfpoll");
    for (const url of ["http://169.254.169.254/latest/meta-data/iam", "http://127.0.0.1:8787/v1/triggers", "http://[::1]/items"]) {
      expectRefused(await strict("PUT", `/v1/triggers/${name}`, { type: "poll", poll: { url, every: "5m" } }), "poll.url", url);
    }
    expect((await call("GET", `/v1/triggers/${name}`)).status).toBe(404);
  });

  it("import and sync list every private target and poll URL by field, and change nothing", async () => {
    const a = uniq("ssrfimp"), b = uniq("ssrfimp");
    const triggers = [
      { name: a, type: "event", subscriptions: { f: { target: { type: "http", url: "http://10.0.0.7/hook" } } } },
      { name: b, type: "poll", poll: { url: "http://100.64.1.1/items", every: "1m" } },
    ];
    const imp = await strict("POST", "/v1/import", { format: "signalbox.v1", triggers });
    expect(imp.status).toBe(400);
    expect(imp.body.error.details).toEqual([
      { name: a, path: "subscriptions.f.target.url", message: expect.stringContaining("private") },
      { name: b, path: "poll.url", message: expect.stringContaining("carrier-grade NAT") },
    ]);
    const sync = await strict("POST", "/v1/sync", { source: uniq("src").replace(/\./g, "-"), triggers });
    expect(sync.status).toBe(400);
    expect(sync.body.error.details.map((d: any) => d.path)).toEqual(["subscriptions.f.target.url", "poll.url"]);
    for (const n of [a, b]) expect((await call("GET", `/v1/triggers/${n}`)).status).toBe(404);
  });
});

describe("outbound addresses with ALLOW_PRIVATE_TARGETS=true (the test config, like npm run dev)", () => {
  it("accepts the same private targets", async () => {
    const name = uniq("ssrfok");
    expect((await call("PUT", `/v1/triggers/${name}`, { type: "event" })).status).toBe(201);
    expect((await call("PUT", `/v1/triggers/${name}/subscriptions/f`, { mode: "manual", target: { type: "http", url: "http://127.0.0.1:9/hook" } })).status).toBe(201);
    expect((await call("PUT", `/v1/runs/${uniq("r")}/awaits/s`, { kind: "sleep", durationMs: 60_000, callback: { type: "http", url: "http://localhost:9/cb" } })).status).toBe(201);
  });
});
