/**
 * POST …/subscriptions/{flow}/rotate-secret: a new secret once, signatures by
 * both secrets during the overlap (space-separated in webhook-signature),
 * then only by the new one (API.md "Subscriptions").
 */
import { describe, it, expect, inject } from "vitest";
import { verifyDelivery } from "../../src/receiver/verify-delivery";
import { clearControlCache } from "../../src/delivery/control-cache";
import { call, uniq, until, triggerStub, inObject, KEYS } from "../helpers";

const port = inject("receiverPort");
const OLD = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

async function received(tag: string): Promise<any[]> {
  return (await fetch(`http://127.0.0.1:${port}/log?contains=${encodeURIComponent(tag)}`)).json();
}

async function setup() {
  const name = uniq("rot");
  expect((await call("PUT", `/v1/triggers/${name}`, { type: "event" })).status).toBe(201);
  const sub = await call("PUT", `/v1/triggers/${name}/subscriptions/flow-1`, { target: { type: "http", url: `http://127.0.0.1:${port}/hook/ok/${name}`, secret: OLD } });
  expect(sub.status).toBe(201);
  return name;
}

/** Fires once and answers the request the receiver got for it. */
async function deliverOne(name: string): Promise<{ headers: Record<string, string>; body: string }> {
  const f = (await call("POST", `/v1/triggers/${name}/fire`, { data: { n: 1 } })).body;
  const id = f.deliveries[0].deliveryId;
  const reqs = await until(() => received(name), (r) => r.some((x) => x.headers["webhook-id"] === id));
  const req = reqs.find((x) => x.headers["webhook-id"] === id);
  expect(req).toBeDefined();
  return req;
}

describe("rotating an http subscription's secret", () => {
  it("answers the new secret once; during the overlap deliveries verify with the old and the new secret; after it only with the new", async () => {
    const name = await setup();
    const before = Date.now();
    const r = await call("POST", `/v1/triggers/${name}/subscriptions/flow-1/rotate-secret`);
    expect(r.status).toBe(200);
    const secret = r.body.secret as string;
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(OLD);
    expect(r.body).toMatchObject({ flow: "flow-1", trigger: name, target: { type: "http", secret: "********" } });
    // default overlap: 24 hours
    expect(r.body.previousSecretExpiresAt).toBeGreaterThanOrEqual(before + 24 * 3_600_000);
    expect(r.body.previousSecretExpiresAt).toBeLessThan(Date.now() + 24 * 3_600_000 + 1000);

    const sub = (await call("GET", `/v1/triggers/${name}`)).body.subscriptions["flow-1"];
    expect(JSON.stringify(sub)).not.toContain(secret.slice(6));

    const events = (await call("GET", `/v1/triggers/${name}/events?types=subscription.secret_rotated`)).body.events;
    expect(events).toHaveLength(1);
    expect(events[0].data).toMatchObject({ flow: "flow-1", overlapHours: 24 });
    expect(JSON.stringify(events[0])).not.toContain(secret.slice(6));
    expect(JSON.stringify(events[0])).not.toContain(OLD.slice(6));

    const during = await deliverOne(name);
    expect(during.headers["webhook-signature"].split(" ")).toHaveLength(2);
    expect(await verifyDelivery(secret, during.headers, during.body)).toBe(true);
    expect(await verifyDelivery(OLD, during.headers, during.body)).toBe(true);

    // the overlap ends: move the stored end into the past (and drop the consumer's cached control)
    await inObject(triggerStub("acme", name), (o: any) => {
      o.core.sql.run(`UPDATE subscriptions SET rotation = json_set(rotation, '$.until', 1) WHERE flow = 'flow-1'`);
      o.core.cachedSubs = undefined;
    });
    clearControlCache();
    const afterwards = await deliverOne(name);
    expect(afterwards.headers["webhook-signature"].split(" ")).toHaveLength(1);
    expect(await verifyDelivery(secret, afterwards.headers, afterwards.body)).toBe(true);
    expect(await verifyDelivery(OLD, afterwards.headers, afterwards.body)).toBe(false);
  });

  it("overlapHours 0 replaces the secret at once; a PUT that keeps the secret keeps a running overlap", async () => {
    const name = await setup();
    const r = await call("POST", `/v1/triggers/${name}/subscriptions/flow-1/rotate-secret`, { overlapHours: 0 });
    expect(r).toMatchObject({ status: 200, body: { previousSecretExpiresAt: null } });
    const d = await deliverOne(name);
    expect(d.headers["webhook-signature"].split(" ")).toHaveLength(1);
    expect(await verifyDelivery(r.body.secret, d.headers, d.body)).toBe(true);
    expect(await verifyDelivery(OLD, d.headers, d.body)).toBe(false);

    const again = await call("POST", `/v1/triggers/${name}/subscriptions/flow-1/rotate-secret`, { overlapHours: 1.5 });
    expect(again.body.previousSecretExpiresAt - Date.now()).toBeGreaterThan(1.4 * 3_600_000);
    // change the retry policy, secret left out (kept): the overlap goes on
    expect((await call("PUT", `/v1/triggers/${name}/subscriptions/flow-1`, { target: { type: "http", url: `http://127.0.0.1:${port}/hook/ok/${name}` }, retry: { maxAttempts: 2 } })).status).toBe(200);
    const kept = await deliverOne(name);
    expect(kept.headers["webhook-signature"].split(" ")).toHaveLength(2);
    expect(await verifyDelivery(r.body.secret, kept.headers, kept.body)).toBe(true);
    expect(await verifyDelivery(again.body.secret, kept.headers, kept.body)).toBe(true);
  });

  it("refuses other targets, bad overlaps, unknown flows and keys without write", async () => {
    const name = await setup();
    await call("PUT", `/v1/triggers/${name}/subscriptions/puller`, { target: { type: "pull" } });
    const pull = await call("POST", `/v1/triggers/${name}/subscriptions/puller/rotate-secret`, {});
    expect(pull.status).toBe(409);
    expect(pull.body.error).toMatchObject({ code: "not_an_http_subscription", message: expect.stringContaining("only http targets are signed") });
    for (const overlapHours of [-1, 721, "24"]) {
      const bad = await call("POST", `/v1/triggers/${name}/subscriptions/flow-1/rotate-secret`, { overlapHours });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/^overlapHours: /);
    }
    expect((await call("POST", `/v1/triggers/${name}/subscriptions/nobody/rotate-secret`)).status).toBe(404);
    expect((await call("POST", `/v1/triggers/${uniq("none")}/subscriptions/flow-1/rotate-secret`)).status).toBe(404);
    expect((await call("POST", `/v1/triggers/${name}/subscriptions/flow-1/rotate-secret`, undefined, { key: KEYS.acmeRead })).status).toBe(403);
    expect((await call("POST", `/v1/triggers/${name}/subscriptions/flow-1/rotate-secret`, undefined, { key: KEYS.globex })).status).toBe(404);
  });
});
