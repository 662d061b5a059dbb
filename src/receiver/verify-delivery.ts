/**
 * Verifies a Signalbox delivery in a flow's own code (Standard Webhooks:
 * `webhook-id`, `webhook-timestamp`, `webhook-signature`). Deliberately free
 * of imports: copy this file into any runtime with WebCrypto (Workers,
 * Node 18+, Deno, Bun, browsers).
 */

type HeaderSource = Headers | Record<string, string | undefined>;

function header(headers: HeaderSource, name: string): string | null {
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name);
  for (const [k, v] of Object.entries(headers as Record<string, string | undefined>)) {
    if (k.toLowerCase() === name && typeof v === "string") return v;
  }
  return null;
}

function fromBase64(s: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(s)) return null;
  const std = s.replace(/=+$/, "").replace(/-/g, "+").replace(/_/g, "/");
  if (std.length % 4 === 1) return null;
  try {
    const bin = atob(std + "=".repeat((4 - (std.length % 4)) % 4));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** Constant-time: walks the longer array whatever the contents. */
function equal(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/**
 * Whether a delivery really comes from Signalbox with this subscription's
 * secret, and is fresh. Pass the body exactly as received (before any JSON
 * parsing). Accepts when any `v1,` signature in the header matches, so a
 * secret rotation (several signatures) works; other versions are ignored.
 * Never throws on bad input: anything malformed is `false`.
 * @param secret the subscription's `whsec_…` secret
 * @example
 * const body = await request.text();
 * if (!(await verifyDelivery(env.SIGNALBOX_SECRET, request.headers, body))) return new Response("bad signature", { status: 401 });
 */
export async function verifyDelivery(
  secret: string,
  headers: HeaderSource,
  rawBody: string | Uint8Array,
  options: { toleranceSeconds?: number; now?: number } = {},
): Promise<boolean> {
  const id = header(headers, "webhook-id");
  const ts = header(headers, "webhook-timestamp");
  const sigs = header(headers, "webhook-signature");
  if (!id || !ts || !sigs || !/^\d{1,15}$/.test(ts)) return false;
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  if (Math.abs(nowSeconds - Number(ts)) > (options.toleranceSeconds ?? 300)) return false;

  const key = fromBase64(String(secret).replace(/^whsec_/, ""));
  if (!key || key.length === 0) return false;
  const enc = new TextEncoder();
  const prefix = enc.encode(`${id}.${ts}.`);
  const body = typeof rawBody === "string" ? enc.encode(rawBody) : rawBody;
  const signed = new Uint8Array(prefix.length + body.length);
  signed.set(prefix);
  signed.set(body, prefix.length);
  const cryptoKey = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const expected = new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, signed));

  let ok = false;
  for (const entry of sigs.split(" ")) {
    const comma = entry.indexOf(",");
    if (comma < 0 || entry.slice(0, comma) !== "v1") continue;
    const given = fromBase64(entry.slice(comma + 1));
    // No early exit across entries: every v1 signature is compared.
    if (given && equal(given, expected)) ok = true;
  }
  return ok;
}
