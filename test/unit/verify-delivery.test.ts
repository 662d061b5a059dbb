import { describe, it, expect } from "vitest";
import { verifyDelivery } from "../../src/receiver/verify-delivery";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const BODY = '{"test": 2432232314}';
const SIG = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
const NOW = 1614265330_000 + 10_000;
const headers = (over: Record<string, string | undefined> = {}) => ({
  "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
  "webhook-timestamp": "1614265330",
  "webhook-signature": SIG,
  ...over,
});

describe("verifyDelivery", () => {
  it("accepts the reference vector from a record, a Headers object or bytes", async () => {
    expect(await verifyDelivery(SECRET, headers(), BODY, { now: NOW })).toBe(true);
    expect(await verifyDelivery(SECRET, new Headers(headers()), BODY, { now: NOW })).toBe(true);
    expect(await verifyDelivery(SECRET, headers(), new TextEncoder().encode(BODY), { now: NOW })).toBe(true);
  });
  it("reads record header names case-insensitively", async () => {
    const h = { "Webhook-Id": "msg_p5jXN8AQM9LWM0D4loKWxJek", "WEBHOOK-TIMESTAMP": "1614265330", "Webhook-Signature": SIG };
    expect(await verifyDelivery(SECRET, h, BODY, { now: NOW })).toBe(true);
  });
  it("rejects a tampered body, id or timestamp", async () => {
    expect(await verifyDelivery(SECRET, headers(), '{"test": 2432232315}', { now: NOW })).toBe(false);
    expect(await verifyDelivery(SECRET, headers({ "webhook-id": "msg_other" }), BODY, { now: NOW })).toBe(false);
    expect(await verifyDelivery(SECRET, headers({ "webhook-timestamp": "1614265331" }), BODY, { now: NOW })).toBe(false);
  });
  it("rejects the wrong secret", async () => {
    expect(await verifyDelivery("whsec_" + btoa("y".repeat(24)), headers(), BODY, { now: NOW })).toBe(false);
    expect(await verifyDelivery("whsec_%%%", headers(), BODY, { now: NOW })).toBe(false);
  });
  it("rejects stale and future timestamps outside the tolerance", async () => {
    const ts = 1614265330_000;
    expect(await verifyDelivery(SECRET, headers(), BODY, { now: ts + 300_000 })).toBe(true);
    expect(await verifyDelivery(SECRET, headers(), BODY, { now: ts + 301_000 })).toBe(false);
    expect(await verifyDelivery(SECRET, headers(), BODY, { now: ts - 301_000 })).toBe(false);
    expect(await verifyDelivery(SECRET, headers(), BODY, { now: ts + 301_000, toleranceSeconds: 600 })).toBe(true);
    expect(await verifyDelivery(SECRET, headers(), BODY)).toBe(false); // real clock: years later
  });
  it("rejects missing or malformed headers", async () => {
    for (const name of ["webhook-id", "webhook-timestamp", "webhook-signature"]) {
      expect(await verifyDelivery(SECRET, headers({ [name]: undefined }), BODY, { now: NOW }), name).toBe(false);
    }
    expect(await verifyDelivery(SECRET, headers({ "webhook-timestamp": "16142653e3" }), BODY, { now: NOW })).toBe(false);
  });
  it("rejects an empty or version-less signature", async () => {
    for (const sig of ["", "v1,", " ", "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="]) {
      expect(await verifyDelivery(SECRET, headers({ "webhook-signature": sig }), BODY, { now: NOW }), sig).toBe(false);
    }
  });
  it("accepts when any v1 signature matches (rotation) and ignores other versions", async () => {
    const other = "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    expect(await verifyDelivery(SECRET, headers({ "webhook-signature": `${other} ${SIG}` }), BODY, { now: NOW })).toBe(true);
    expect(await verifyDelivery(SECRET, headers({ "webhook-signature": `${SIG} ${other}` }), BODY, { now: NOW })).toBe(true);
    expect(await verifyDelivery(SECRET, headers({ "webhook-signature": `v1a,xyz ${SIG}` }), BODY, { now: NOW })).toBe(true);
    const wrongVersion = SIG.replace("v1,", "v2,");
    expect(await verifyDelivery(SECRET, headers({ "webhook-signature": `${wrongVersion} ${other}` }), BODY, { now: NOW })).toBe(false);
  });
});
