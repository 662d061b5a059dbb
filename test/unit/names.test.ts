import { describe, it, expect } from "vitest";
import { isValidName, isValidTenant, isValidWebhookPath } from "../../src/domain/names";

describe("isValidTenant", () => {
  it("accepts lowercase ids up to 63 characters", () => {
    for (const s of ["acme", "a", "0", "acme-2", "a".repeat(63)]) expect(isValidTenant(s), s).toBe(true);
  });
  it("rejects uppercase, leading dash, other characters and overlong ids", () => {
    for (const s of ["", "Acme", "-acme", "ac_me", "ac.me", "a".repeat(64), "acme\n"]) expect(isValidTenant(s), s).toBe(false);
  });
});

describe("isValidName", () => {
  it("accepts trigger, flow, run and step names", () => {
    for (const s of ["stripe.payment.succeeded", "Flow_1", "run:42", "a-b", "x".repeat(128)]) expect(isValidName(s), s).toBe(true);
  });
  it("rejects empty, leading punctuation, slashes, spaces and overlong names", () => {
    for (const s of ["", ".hidden", "_x", "a/b", "a b", "x".repeat(129), "naïve"]) expect(isValidName(s), s).toBe(false);
  });
});

describe("isValidWebhookPath", () => {
  it("accepts segments joined by slashes", () => {
    for (const s of ["stripe", "github/acme-repo", "a.b/c_d/e-f", "...x", "a".repeat(128)]) expect(isValidWebhookPath(s), s).toBe(true);
  });
  it("rejects empty, dot and dot-dot segments, stray slashes, uppercase and overlong paths", () => {
    for (const s of ["", "/a", "a/", "a//b", ".", "..", "a/./b", "a/../b", "A", "a b", "a?b", "a".repeat(129)]) {
      expect(isValidWebhookPath(s), s).toBe(false);
    }
  });
});
