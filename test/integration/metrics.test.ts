/**
 * GET /v1/metrics: every family with HELP and TYPE, read back by a real
 * parser; figures from the triggers' coalesced stats (after a flush) that
 * match their streams; webhook outcomes, skip reasons, deliveries per flow,
 * the latency histogram, the backlog's age, awaits by status; one tenant's
 * names never in another's scrape.
 */
import { describe, it, expect, inject } from "vitest";
import { exports } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import parse from "parse-prometheus-text-format";
import { call, fetchWorker, inObject, KEYS, triggerStub, uniq, until } from "../helpers";
import { SIGNALBOX_FAMILIES } from "../../src/domain/metrics/families";

const port = inject("receiverPort");
const hook = (mode: string, tag: string) => `http://127.0.0.1:${port}/hook/${mode}/${tag}`;

type Sample = { name: string; labels: Record<string, string>; value: number };

async function scrape(key: string = KEYS.acme): Promise<{ text: string; samples: Sample[]; families: ReturnType<typeof parse> }> {
  const res = await fetchWorker(new Request("http://signalbox.test/v1/metrics", { headers: { authorization: `Bearer ${key}` } }));
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  const families = parse(text);
  // each sample line on its own (the parser folds histograms), labels unescaped
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    expect(m, line).not.toBeNull();
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m![2] ?? "").matchAll(/([a-z_]+)="((?:[^"\\]|\\.)*)"/g)) labels[k] = v.replace(/\\n/g, "\n").replace(/\\"/g, '"').replace(/\\\\/g, "\\");
    samples.push({ name: m![1], labels, value: Number(m![3]) });
  }
  return { text, samples, families };
}

const value = (samples: Sample[], name: string, labels: Record<string, string>) =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

/** Pushes the trigger's coalesced stats now (what the alarm does within 5 s). */
async function flush(name: string, tenant = "acme"): Promise<void> {
  const stub = triggerStub(tenant, name);
  await inObject(stub, (o: any) => { o.core.statsDueAt = 0; });
  await runDurableObjectAlarm(stub);
}

async function webhook(path: string, body: string, headers: Record<string, string> = {}) {
  const res = await (exports as any).default.fetch(new Request(`http://signalbox.test/webhooks/acme/${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body }));
  await res.text();
  return res.status;
}

describe("GET /v1/metrics", () => {
  it("has every family with HELP and TYPE, parsed by a real parser, even with nothing to count", async () => {
    const { families } = await scrape(KEYS.globex);
    const names = families.map((f) => f.name);
    for (const f of SIGNALBOX_FAMILIES) expect(names, f.name).toContain(f.name);
    for (const f of families) {
      expect(f.help.length, f.name).toBeGreaterThan(0);
      if (f.name.endsWith("_total")) expect(f.type, f.name).toBe("COUNTER");
    }
    expect(families.find((f) => f.name === "signalbox_delivery_latency_seconds")!.type).toBe("HISTOGRAM");
  });

  it("counts fires by type and source, deliveries by flow and status, attempts and the latency histogram, matching the stream", async () => {
    const name = uniq("m.ev");
    await call("PUT", `/v1/triggers/${name}`, { type: "event", filter: { "data.keep": true } });
    await call("PUT", `/v1/triggers/${name}/subscriptions/billing`, { target: { type: "http", url: hook("ok", name) }, retry: { maxAttempts: 1, initialBackoffSeconds: 1, maxBackoffSeconds: 1 } });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await call("POST", `/v1/triggers/${name}/fire`, { data: { keep: true, i } })).body.eventId);
    await call("POST", `/v1/triggers/${name}/fire`, { data: { keep: false } });
    for (const id of ids) await until(async () => (await call("GET", `/v1/triggers/${name}/fires/${id}`)).body, (f: any) => f.deliveries[0].status === "delivered", 8000);
    await flush(name);
    const { samples } = await scrape();
    const stream = (await call("GET", `/v1/triggers/${name}/events?limit=500`)).body.events as any[];
    const firedInStream = stream.filter((e) => e.type === "trigger.fired").length;
    expect(value(samples, "signalbox_fires_total", { trigger: name, type: "event", source: "api" })).toBe(firedInStream);
    expect(firedInStream).toBe(3);
    expect(value(samples, "signalbox_fires_skipped_total", { trigger: name, reason: "filter" })).toBe(1);
    expect(value(samples, "signalbox_deliveries_total", { trigger: name, flow: "billing", status: "delivered" })).toBe(3);
    expect(value(samples, "signalbox_delivery_attempts_total", { trigger: name, flow: "billing" })).toBe(3);
    expect(value(samples, "signalbox_delivery_latency_seconds_count", { trigger: name })).toBe(3);
    expect(value(samples, "signalbox_delivery_latency_seconds_bucket", { trigger: name, le: "+Inf" })).toBe(3);
    expect(value(samples, "signalbox_deliveries_pending", { trigger: name }) ?? 0).toBe(0);
  });

  it("counts webhook requests by outcome (accepted, deduplicated, unauthorized, too_large)", async () => {
    const name = uniq("m.wh");
    const path = name.replace(/[^a-z0-9.-]/g, "-").toLowerCase();
    expect((await call("PUT", `/v1/triggers/${name}`, { type: "webhook", webhook: { path, auth: { type: "hmac", provider: "github", secret: "s3cret" }, maxBodyBytes: 1024 } })).status).toBe(201);
    const body = JSON.stringify({ zen: "ok" });
    const key = await crypto.subtle.importKey("raw", new TextEncoder().encode("s3cret"), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const mac = [...new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)))].map((b) => b.toString(16).padStart(2, "0")).join("");
    const signed = { "x-hub-signature-256": `sha256=${mac}`, "x-github-event": "push", "x-github-delivery": uniq("d") };
    expect(await webhook(path, body, signed)).toBe(202);
    expect(await webhook(path, body, signed)).toBe(202); // same delivery id: deduplicated
    expect(await webhook(path, body, { "x-hub-signature-256": "sha256=00" })).toBe(401);
    expect(await webhook(path, "x".repeat(2048), signed)).toBe(413);
    // the stored request becomes its fire in the background: flush until the counts are in (a busy runner may take a moment)
    const counted = async () => {
      await flush(name);
      return (await scrape()).samples;
    };
    const samples = await until(counted, (x) => value(x, "signalbox_webhook_requests_total", { trigger: name, outcome: "accepted" }) === 1, 8000);
    for (const [outcome, n] of [["accepted", 1], ["deduplicated", 1], ["unauthorized", 1], ["too_large", 1]] as const) {
      expect(value(samples, "signalbox_webhook_requests_total", { trigger: name, outcome }), outcome).toBe(n);
    }
  });

  it("shows the backlog's age per trigger while deliveries wait", async () => {
    const name = uniq("m.pend");
    await call("PUT", `/v1/triggers/${name}`, { type: "event" });
    await call("PUT", `/v1/triggers/${name}/subscriptions/slow`, { target: { type: "http", url: hook("always-500", name) }, retry: { maxAttempts: 10, initialBackoffSeconds: 3600, maxBackoffSeconds: 3600 } });
    const f = (await call("POST", `/v1/triggers/${name}/fire`, { data: {} })).body;
    await until(async () => (await call("GET", `/v1/triggers/${name}/fires/${f.eventId}`)).body, (x: any) => x.deliveries[0].attempts >= 1, 8000);
    await flush(name);
    const { samples } = await scrape();
    expect(value(samples, "signalbox_deliveries_pending", { trigger: name }), JSON.stringify(samples.filter((s) => s.labels.trigger === name))).toBe(1);
    const age = value(samples, "signalbox_delivery_pending_oldest_seconds", { trigger: name })!;
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(60);
  });

  it("counts awaits by status across runs", async () => {
    const before = await scrape();
    const waiting0 = value(before.samples, "signalbox_awaits", { status: "waiting" }) ?? 0;
    const cancelled0 = value(before.samples, "signalbox_awaits", { status: "cancelled" }) ?? 0;
    const runA = uniq("run"), runB = uniq("run");
    expect((await call("PUT", `/v1/runs/${runA}/awaits/nap`, { kind: "sleep", durationMs: 300_000 })).status).toBe(201);
    expect((await call("PUT", `/v1/runs/${runB}/awaits/nap`, { kind: "sleep", durationMs: 300_000 })).status).toBe(201);
    expect((await call("PUT", `/v1/runs/${runB}/awaits/nap2`, { kind: "sleep", durationMs: 300_000 })).status).toBe(201);
    expect((await call("DELETE", `/v1/runs/${runB}/awaits/nap2`)).status).toBe(200);
    const after = await until(() => scrape(), (s) => value(s.samples, "signalbox_awaits", { status: "waiting" }) === waiting0 + 2, 5000);
    expect(value(after.samples, "signalbox_awaits", { status: "waiting" })).toBe(waiting0 + 2);
    expect(value(after.samples, "signalbox_awaits", { status: "cancelled" })).toBe(cancelled0 + 1);
  });

  it("counts failed polls per trigger", async () => {
    const id = uniq("mp"), name = uniq("m.poll");
    await fetch(`http://127.0.0.1:${port}/provider/${id}/script`, { method: "POST", body: JSON.stringify({ status: 503 }) });
    expect((await call("PUT", `/v1/triggers/${name}`, { type: "poll", poll: { url: `http://127.0.0.1:${port}/provider/${id}`, every: "5s", itemsPointer: "/items" } })).status).toBe(201);
    await until(async () => (await call("GET", `/v1/triggers/${name}/events?types=poll.failed`)).body.events, (e: any[]) => e.length >= 1, 8000);
    await flush(name);
    const { samples } = await scrape();
    expect(value(samples, "signalbox_poll_failures_total", { trigger: name })).toBeGreaterThanOrEqual(1);
  });

  it("never shows another tenant's names", async () => {
    const name = uniq("m.iso");
    expect((await call("PUT", `/v1/triggers/${name}`, { type: "event" })).status).toBe(201);
    await call("POST", `/v1/triggers/${name}/fire`, { data: {} });
    await flush(name);
    const acme = await scrape();
    expect(value(acme.samples, "signalbox_fires_total", { trigger: name })).toBe(1);
    const globex = await scrape(KEYS.globex);
    expect(globex.text).not.toContain(name);
  });

  it("needs the read scope", async () => {
    const r = await call("GET", "/v1/metrics", undefined, { key: null });
    expect(r.status).toBe(401);
  });
});
