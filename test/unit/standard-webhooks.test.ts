import { describe, it, expect } from "vitest";
import { generateWebhookSecret, isValidWebhookSecret, signStandardWebhook } from "../../src/domain/standard-webhooks";
import { fromBase64 } from "../../src/domain/bytes";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const TS = 1614265330;
const BODY = '{"test": 2432232314}';

describe("signStandardWebhook", () => {
  it("matches the Standard Webhooks reference vector", async () => {
    expect(await signStandardWebhook(SECRET, MSG_ID, TS, BODY)).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });
  it("changes with the id, timestamp and body", async () => {
    const ref = await signStandardWebhook(SECRET, MSG_ID, TS, BODY);
    expect(await signStandardWebhook(SECRET, "msg_other", TS, BODY)).not.toBe(ref);
    expect(await signStandardWebhook(SECRET, MSG_ID, TS + 1, BODY)).not.toBe(ref);
    expect(await signStandardWebhook(SECRET, MSG_ID, TS, BODY + " ")).not.toBe(ref);
  });
  it("refuses an invalid secret", async () => {
    await expect(signStandardWebhook("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", MSG_ID, TS, BODY)).rejects.toThrow(TypeError);
  });
});

describe("webhook secrets", () => {
  it("generates whsec_ secrets of 32 random bytes", () => {
    const s = generateWebhookSecret();
    expect(s.startsWith("whsec_")).toBe(true);
    expect(fromBase64(s.slice(6))?.length).toBe(32);
    expect(isValidWebhookSecret(s)).toBe(true);
    expect(generateWebhookSecret()).not.toBe(s);
  });
  it("accepts 24-64 byte keys behind whsec_ only", () => {
    expect(isValidWebhookSecret(SECRET)).toBe(true); // 24 bytes
    expect(isValidWebhookSecret("whsec_" + btoa("x".repeat(64)))).toBe(true);
    expect(isValidWebhookSecret("whsec_" + btoa("x".repeat(23)))).toBe(false);
    expect(isValidWebhookSecret("whsec_" + btoa("x".repeat(65)))).toBe(false);
    expect(isValidWebhookSecret(SECRET.slice(6))).toBe(false);
    expect(isValidWebhookSecret("whsec_not base64!")).toBe(false);
    expect(isValidWebhookSecret("")).toBe(false);
  });
});
