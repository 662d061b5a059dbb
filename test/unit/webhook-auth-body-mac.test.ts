/** Presets that sign the raw body into one header: GitHub, Shopify, Sentry, Linear and generic. */
import { describe, expect, it } from "vitest";
import { verifyWebhook } from "../../src/domain/webhook-auth/verify";
import type { InboundRequest, WebhookAuth } from "../../src/domain/webhook-auth/types";

const NOW = 1_700_000_000_000;
const enc = new TextEncoder();

// Independent of the code under test: WebCrypto straight from the test.
async function mac(hash: "SHA-1" | "SHA-256" | "SHA-512", secret: string, body: string): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(body)));
}
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const b64 = (b: Uint8Array) => btoa(String.fromCharCode(...b));

function request(headers: Record<string, string>, body: string): InboundRequest {
  return { method: "POST", headers, query: {}, rawBody: enc.encode(body) };
}

type Preset = {
  name: string;
  auth: (secret: string) => WebhookAuth;
  header: string;
  sign: (secret: string, body: string) => Promise<string>;
};

const PRESETS: Preset[] = [
  {
    name: "github",
    auth: (secret) => ({ type: "hmac", provider: "github", secret }),
    header: "x-hub-signature-256",
    sign: async (s, b) => `sha256=${hex(await mac("SHA-256", s, b))}`,
  },
  {
    name: "shopify",
    auth: (secret) => ({ type: "hmac", provider: "shopify", secret }),
    header: "x-shopify-hmac-sha256",
    sign: async (s, b) => b64(await mac("SHA-256", s, b)),
  },
  {
    name: "sentry",
    auth: (secret) => ({ type: "hmac", provider: "sentry", secret }),
    header: "sentry-hook-signature",
    sign: async (s, b) => hex(await mac("SHA-256", s, b)),
  },
  {
    name: "linear",
    auth: (secret) => ({ type: "hmac", provider: "linear", secret }),
    header: "linear-signature",
    sign: async (s, b) => hex(await mac("SHA-256", s, b)),
  },
  {
    name: "generic (defaults)",
    auth: (secret) => ({ type: "hmac", provider: "generic", secret }),
    header: "x-signature",
    sign: async (s, b) => hex(await mac("SHA-256", s, b)),
  },
];

const SECRET = "s3cret-value";
const BODY = '{"action":"opened","number":1}';

describe.each(PRESETS)("$name", ({ auth, header, sign }) => {
  it("accepts a valid signature", async () => {
    const sig = await sign(SECRET, BODY);
    expect(await verifyWebhook(auth(SECRET), request({ [header]: sig }, BODY), NOW)).toEqual({ ok: true });
  });

  it("accepts surrounding whitespace and a mixed-case header name", async () => {
    const sig = await sign(SECRET, BODY);
    const mixed = header.replace(/(^|-)([a-z])/g, (m) => m.toUpperCase());
    expect((await verifyWebhook(auth(SECRET), request({ [mixed]: ` ${sig} ` }, BODY), NOW)).ok).toBe(true);
  });

  it("rejects a tampered body", async () => {
    const sig = await sign(SECRET, BODY);
    const result = await verifyWebhook(auth(SECRET), request({ [header]: sig }, BODY.replace("1", "2")), NOW);
    expect(result).toEqual({ ok: false, reason: "signature mismatch" });
  });

  it("rejects a signature made with another secret", async () => {
    const sig = await sign("other-secret", BODY);
    expect((await verifyWebhook(auth(SECRET), request({ [header]: sig }, BODY), NOW)).ok).toBe(false);
  });

  it("rejects a missing or empty header", async () => {
    for (const headers of [{}, { [header]: "" }, { [header]: "   " }, { "x-other": await sign(SECRET, BODY) }]) {
      const result = await verifyWebhook(auth(SECRET), request(headers, BODY), NOW);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(/^missing /);
    }
  });

  it("rejects truncated, extended and garbled signatures without throwing", async () => {
    const sig = await sign(SECRET, BODY);
    for (const bad of [sig.slice(0, -2), sig.slice(0, -1), `${sig}00`, `${sig}x`, "%%%", "sha256=", "v1,", sig.replace(/[0-9a-f]/, "g")]) {
      const result = await verifyWebhook(auth(SECRET), request({ [header]: bad }, BODY), NOW);
      expect(result.ok, bad).toBe(false);
    }
  });

  it("checks the raw bytes, not a re-encoding of them", async () => {
    const body = '{ "b":1,\n  "a": "é" }';
    const sig = await sign(SECRET, body);
    expect((await verifyWebhook(auth(SECRET), request({ [header]: sig }, body), NOW)).ok).toBe(true);
    const compact = JSON.stringify(JSON.parse(body));
    expect((await verifyWebhook(auth(SECRET), request({ [header]: sig }, compact), NOW)).ok).toBe(false);
  });

  it("never puts the secret in the reason", async () => {
    const result = await verifyWebhook(auth(SECRET), request({ [header]: "nope" }, BODY), NOW);
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });
});

describe("github", () => {
  const auth: WebhookAuth = { type: "hmac", provider: "github", secret: "It's a Secret to Everybody" };
  const DOCUMENTED = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

  it("accepts GitHub's documented test vector", async () => {
    const result = await verifyWebhook(auth, request({ "x-hub-signature-256": DOCUMENTED }, "Hello, World!"), NOW);
    expect(result).toEqual({ ok: true });
  });

  it("accepts the hex in upper case", async () => {
    const upper = `sha256=${DOCUMENTED.slice(7).toUpperCase()}`;
    expect((await verifyWebhook(auth, request({ "x-hub-signature-256": upper }, "Hello, World!"), NOW)).ok).toBe(true);
  });

  it("rejects a wrong or missing prefix", async () => {
    const digest = DOCUMENTED.slice(7);
    for (const value of [`sha1=${digest}`, digest, `SHA256=${digest}`, `sha512=${digest}`]) {
      const result = await verifyWebhook(auth, request({ "x-hub-signature-256": value }, "Hello, World!"), NOW);
      expect(result.ok, value).toBe(false);
    }
  });

  it("does not fall back to the legacy SHA-1 header", async () => {
    const sha1 = `sha1=${hex(await mac("SHA-1", "It's a Secret to Everybody", "Hello, World!"))}`;
    const result = await verifyWebhook(auth, request({ "x-hub-signature": sha1 }, "Hello, World!"), NOW);
    expect(result).toEqual({ ok: false, reason: "missing x-hub-signature-256 header" });
  });

  it("rejects two signatures joined into one header", async () => {
    const value = `${DOCUMENTED}, ${DOCUMENTED}`;
    expect((await verifyWebhook(auth, request({ "x-hub-signature-256": value }, "Hello, World!"), NOW)).ok).toBe(false);
  });
});

describe("shopify", () => {
  it("rejects a hex signature where base64 is expected", async () => {
    const auth: WebhookAuth = { type: "hmac", provider: "shopify", secret: SECRET };
    const sig = hex(await mac("SHA-256", SECRET, BODY));
    expect((await verifyWebhook(auth, request({ "x-shopify-hmac-sha256": sig }, BODY), NOW)).ok).toBe(false);
  });
});

describe("linear webhookTimestamp", () => {
  const auth: WebhookAuth = { type: "hmac", provider: "linear", secret: SECRET };
  async function linear(body: unknown, toleranceSeconds?: number) {
    const raw = typeof body === "string" ? body : JSON.stringify(body);
    const sig = hex(await mac("SHA-256", SECRET, raw));
    const a: WebhookAuth = toleranceSeconds ? { ...auth, toleranceSeconds } as WebhookAuth : auth;
    return verifyWebhook(a, request({ "linear-signature": sig }, raw), NOW);
  }

  it("accepts a timestamp within 60 s either way", async () => {
    expect((await linear({ action: "create", webhookTimestamp: NOW - 59_000 })).ok).toBe(true);
    expect((await linear({ action: "create", webhookTimestamp: NOW + 59_000 })).ok).toBe(true);
  });

  it("rejects a stale or far-future timestamp", async () => {
    expect(await linear({ action: "create", webhookTimestamp: NOW - 61_000 })).toEqual({ ok: false, reason: "timestamp outside tolerance" });
    expect((await linear({ action: "create", webhookTimestamp: NOW + 3_600_000 })).ok).toBe(false);
  });

  it("honours toleranceSeconds", async () => {
    expect((await linear({ webhookTimestamp: NOW - 200_000 }, 300)).ok).toBe(true);
    expect((await linear({ webhookTimestamp: NOW - 400_000 }, 300)).ok).toBe(false);
  });

  it("rejects a webhookTimestamp that is not a number", async () => {
    expect(await linear({ webhookTimestamp: String(NOW) })).toEqual({ ok: false, reason: "malformed webhookTimestamp" });
    expect((await linear({ webhookTimestamp: null })).ok).toBe(false);
  });

  it("relies on the signature alone without a timestamp or a JSON body", async () => {
    expect((await linear({ action: "create" })).ok).toBe(true);
    expect((await linear("not json")).ok).toBe(true);
    expect((await linear([1, 2])).ok).toBe(true);
  });
});

describe("generic options", () => {
  const body = "payload=1";

  it("uses the configured header, algorithm, encoding and prefix", async () => {
    const cases: Array<{ algorithm: "sha1" | "sha256" | "sha512"; hash: "SHA-1" | "SHA-256" | "SHA-512"; encoding: "hex" | "base64" }> = [
      { algorithm: "sha1", hash: "SHA-1", encoding: "hex" },
      { algorithm: "sha256", hash: "SHA-256", encoding: "base64" },
      { algorithm: "sha512", hash: "SHA-512", encoding: "hex" },
      { algorithm: "sha512", hash: "SHA-512", encoding: "base64" },
    ];
    for (const { algorithm, hash, encoding } of cases) {
      const digest = await mac(hash, SECRET, body);
      const value = `${algorithm}=${encoding === "hex" ? hex(digest) : b64(digest)}`;
      const auth: WebhookAuth = { type: "hmac", provider: "generic", secret: SECRET, header: "X-Hook-Sig", algorithm, encoding, prefix: `${algorithm}=` };
      expect((await verifyWebhook(auth, request({ "x-hook-sig": value }, body), NOW)).ok, `${algorithm}/${encoding}`).toBe(true);
      expect((await verifyWebhook(auth, request({ "x-hook-sig": value }, `${body}2`), NOW)).ok).toBe(false);
    }
  });

  it("requires the configured prefix", async () => {
    const digest = hex(await mac("SHA-256", SECRET, body));
    const auth: WebhookAuth = { type: "hmac", provider: "generic", secret: SECRET, prefix: "sha256=" };
    expect(await verifyWebhook(auth, request({ "x-signature": digest }, body), NOW)).toEqual({ ok: false, reason: "signature prefix mismatch" });
    expect((await verifyWebhook(auth, request({ "x-signature": `sha1=${digest}` }, body), NOW)).ok).toBe(false);
    expect((await verifyWebhook(auth, request({ "x-signature": `sha256=${digest}` }, body), NOW)).ok).toBe(true);
  });

  it("rejects a digest of the wrong algorithm", async () => {
    const sha1 = hex(await mac("SHA-1", SECRET, body));
    const auth: WebhookAuth = { type: "hmac", provider: "generic", secret: SECRET };
    expect((await verifyWebhook(auth, request({ "x-signature": sha1 }, body), NOW)).ok).toBe(false);
  });

  it("accepts an empty body when it is what was signed", async () => {
    const auth: WebhookAuth = { type: "hmac", provider: "generic", secret: SECRET };
    const sig = hex(await mac("SHA-256", SECRET, ""));
    expect((await verifyWebhook(auth, request({ "x-signature": sig }, ""), NOW)).ok).toBe(true);
  });
});
