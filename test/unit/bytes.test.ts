import { describe, it, expect } from "vitest";
import {
  fromBase64, fromHex, hmac, randomToken, sha256Hex, timingSafeEqual, timingSafeEqualStr, toBase64, toBase64Url, toHex, utf8,
} from "../../src/domain/bytes";

describe("timingSafeEqual", () => {
  it("compares contents and lengths", () => {
    expect(timingSafeEqual(utf8("secret"), utf8("secret"))).toBe(true);
    expect(timingSafeEqual(utf8("secret"), utf8("secreT"))).toBe(false);
    expect(timingSafeEqual(utf8("secret"), utf8("secret!"))).toBe(false);
    expect(timingSafeEqual(utf8("secret\0"), utf8("secret"))).toBe(false);
    expect(timingSafeEqual(new Uint8Array(), new Uint8Array())).toBe(true);
    expect(timingSafeEqual(new Uint8Array([0]), new Uint8Array())).toBe(false);
  });
  it("compares strings as UTF-8", () => {
    expect(timingSafeEqualStr("héllo", "héllo")).toBe(true);
    expect(timingSafeEqualStr("héllo", "hello")).toBe(false);
  });
});

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
  it("round-trips", () => {
    expect(toHex(new Uint8Array([0, 1, 171, 255]))).toBe("0001abff");
    expect(fromHex("0001ABff")).toEqual(new Uint8Array([0, 1, 171, 255]));
    expect(fromHex("")).toEqual(new Uint8Array());
  });
  it("returns null for invalid input", () => {
    for (const s of ["0", "0g", "zz", "00 1"]) expect(fromHex(s), s).toBeNull();
  });
});

describe("crypto wrappers", () => {
  it("computes HMACs (RFC 4231 test case 2)", async () => {
    const mac = await hmac("SHA-256", utf8("Jefe"), utf8("what do ya want for nothing?"));
    expect(toHex(mac)).toBe("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    const mac1 = await hmac("SHA-1", utf8("Jefe"), utf8("what do ya want for nothing?"));
    expect(toHex(mac1)).toBe("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    expect((await hmac("SHA-512", utf8("k"), utf8("m"))).length).toBe(64);
  });
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
