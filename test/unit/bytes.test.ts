import { describe, it, expect } from "vitest";
import { fromBase64, randomToken, sha256Hex, toBase64, toBase64Url, toHex, utf8 } from "../../src/domain/bytes";

describe("base64", () => {
  const bytes = new Uint8Array([251, 255, 191, 0, 1]);
  it("encodes standard and url alphabets", () => {
    expect(toBase64(utf8("hi"))).toBe("aGk=");
    expect(toBase64(bytes)).toBe("+/+/AAE=");
    expect(toBase64Url(bytes)).toBe("-_-_AAE");
  });
  it("decodes both alphabets, padded or not", () => {
    for (const s of ["+/+/AAE=", "+/+/AAE", "-_-_AAE", "-_-_AAE="]) expect(fromBase64(s), s).toEqual(bytes);
    expect(fromBase64("")).toEqual(new Uint8Array());
  });
  it("round-trips large inputs", () => {
    const big = new Uint8Array(100_000).map((_, i) => (i * 31) & 255);
    // Compared as hex: deep-equality over 100k elements is slow in the test runner.
    expect(toHex(fromBase64(toBase64(big))!)).toBe(toHex(big));
    expect(toHex(fromBase64(toBase64Url(big))!)).toBe(toHex(big));
  });
  it("returns null for invalid input", () => {
    for (const s of ["a", "aGk=x", "aG=", "aGk==", "a b=", "aGk*", "====", "aGk\n"]) expect(fromBase64(s), s).toBeNull();
  });
});

describe("hex", () => {
  it("is lowercase, two digits a byte", () => {
    expect(toHex(new Uint8Array([0, 1, 171, 255]))).toBe("0001abff");
  });
});

describe("crypto wrappers", () => {
  it("hashes with SHA-256", async () => {
    expect(await sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
  it("makes url-safe random tokens of the requested entropy", () => {
    const a = randomToken(16);
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(fromBase64(a)?.length).toBe(16);
    expect(randomToken(16)).not.toBe(a);
  });
});
