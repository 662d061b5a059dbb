/** GET /v1/fires/{eventId} and GET /v1/deliveries/{deliveryId}: lookups by id alone, inside the key's tenant. */
import { describe, it, expect } from "vitest";
import { fetchWorker, call, uniq, KEYS } from "../helpers";

async function setup() {
  const name = uniq("lk");
  expect((await call("PUT", `/v1/triggers/${name}`, { type: "event" })).status).toBe(201);
  // manual mode: the delivery is recorded (skipped) and never sent
  expect((await call("PUT", `/v1/triggers/${name}/subscriptions/flow-1`, { mode: "manual", target: { type: "http", url: "https://example.com/hook" } })).status).toBe(201);
  const f = await call("POST", `/v1/triggers/${name}/fire`, { data: { q: 1 } });
  expect(f.status).toBe(202);
  return { name, eventId: f.body.eventId as string, deliveryId: f.body.deliveries[0].deliveryId as string };
}

describe("lookups by id", () => {
  it("a fire by its event id is the fire view plus its trigger", async () => {
    const { name, eventId } = await setup();
    const byTrigger = await call("GET", `/v1/triggers/${name}/fires/${eventId}`);
    const r = await call("GET", `/v1/fires/${eventId}`, undefined, { key: KEYS.acmeRead });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ...byTrigger.body, trigger: name });
    expect(r.body).toMatchObject({ eventId, data: { q: 1 }, source: "api" });
  });

  it("finds webhook fires too", async () => {
    const name = uniq("lkw");
    const path = `lk-${Date.now().toString(36)}`;
    expect((await call("PUT", `/v1/triggers/${name}`, { type: "webhook", webhook: { path, auth: { type: "none" } } })).status).toBe(201);
    const res = await fetchWorker(new Request(`http://signalbox.test/webhooks/acme/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"a":1}' }));
    const { id } = (await res.json()) as { id: string };
    const r = await call("GET", `/v1/fires/${id}`);
    expect(r).toMatchObject({ status: 200, body: { eventId: id, trigger: name, source: "webhook" } });
  });

  it("a delivery by its id: its state, trigger and fire", async () => {
    const { name, eventId, deliveryId } = await setup();
    const entry = (await call("GET", `/v1/triggers/${name}/fires/${eventId}`)).body.deliveries[0];
    const r = await call("GET", `/v1/deliveries/${deliveryId}`, undefined, { key: KEYS.acmeRead });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      deliveryId, trigger: name, eventId, flow: "flow-1", status: "skipped", attempts: 0,
      lastStatusCode: null, lastError: null, nextAttemptAt: null, deliveredAt: null,
    });
    expect(r.body.delivery).toEqual(entry);
  });

  it("another tenant's ids are 404", async () => {
    const { eventId, deliveryId } = await setup();
    for (const path of [`/v1/fires/${eventId}`, `/v1/deliveries/${deliveryId}`]) {
      const r = await call("GET", path, undefined, { key: KEYS.globex });
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe("not_found");
    }
  });

  it("malformed, unknown and forged ids are 404, never 400 or 500", async () => {
    const { name, eventId, deliveryId } = await setup();
    const forgedFire = eventId.replace(/_[0-9a-z]{10}$/, "_0000000000");
    const forgedDelivery = deliveryId.replace(/\.[0-9a-z]{6}$/, ".000000");
    const otherTrigger = `dlv_${btoa(uniq("none")).replace(/=+$/, "")}.1.0.abcdef`;
    const ids = {
      fires: ["x", "evt_", "evt_zzzz_1_aaaaaaaaaa", forgedFire, "evt_0123456789abcdef_1_aaaaaaaaaa", "sch_000000000_0123456789abcdef", "%E2%82%AC", "a".repeat(500)],
      deliveries: ["x", "dlv_", "dlv_!!!.1.0.abcdef", forgedDelivery, otherTrigger, "dlv_" + "A".repeat(300) + ".1.0.abcdef", "%00"],
    };
    for (const id of ids.fires) expect([id, (await call("GET", `/v1/fires/${id}`)).status]).toEqual([id, 404]);
    for (const id of ids.deliveries) expect([id, (await call("GET", `/v1/deliveries/${id}`)).status]).toEqual([id, 404]);
    expect((await call("GET", `/v1/triggers/${name}/fires/${eventId}`)).status).toBe(200);
  });

  it("needs a key with read", async () => {
    const { eventId } = await setup();
    expect((await call("GET", `/v1/fires/${eventId}`, undefined, { key: null })).status).toBe(401);
    expect((await call("GET", `/v1/fires/${eventId}`, undefined, { key: KEYS.acmeFire })).status).toBe(403);
  });
});
