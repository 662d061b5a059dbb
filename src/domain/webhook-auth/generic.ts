/**
 * The "MAC of the raw body in one header" scheme: the configurable `generic`
 * preset, and the engine behind the GitHub, Shopify, Linear and Sentry presets.
 */
import { OK, header, reject } from "./common";
import { constantTimeEqual, decodeBase64, decodeHex, hmac, utf8 } from "./crypto";
import type { AuthResult, HmacAuth, InboundRequest, MacAlgorithm, SignatureEncoding } from "./types";

export type BodyMacSpec = {
  header: string;
  algorithm: MacAlgorithm;
  encoding: SignatureEncoding;
  /** When set, the header must start with it exactly. */
  prefix?: string;
};

const GENERIC_DEFAULTS = { header: "x-signature", algorithm: "sha256", encoding: "hex" } as const;

function decodeSignature(text: string, encoding: SignatureEncoding): Uint8Array | null {
  return encoding === "hex" ? decodeHex(text) : decodeBase64(text);
}

/**
 * Checks `header` against the MAC of the raw body keyed by the UTF-8 secret.
 *
 * @example
 * await verifyBodyMac(req, "s3cret", { header: "x-hub-signature-256", algorithm: "sha256", encoding: "hex", prefix: "sha256=" })
 */
export async function verifyBodyMac(req: InboundRequest, secret: string, spec: BodyMacSpec): Promise<AuthResult> {
  const value = header(req, spec.header);
  if (value === undefined) return reject(`missing ${spec.header.toLowerCase()} header`);
  if (spec.prefix && !value.startsWith(spec.prefix)) return reject("signature prefix mismatch");
  const given = decodeSignature(spec.prefix ? value.slice(spec.prefix.length) : value, spec.encoding);
  if (given === null) return reject("malformed signature");
  const expected = await hmac(spec.algorithm, utf8(secret), req.rawBody);
  return constantTimeEqual(given, expected) ? OK : reject("signature mismatch");
}

/** The `generic` preset: header, algorithm, encoding and prefix come from the config. */
export function verifyGeneric(auth: HmacAuth, req: InboundRequest): Promise<AuthResult> {
  return verifyBodyMac(req, auth.secret, {
    header: auth.header ?? GENERIC_DEFAULTS.header,
    algorithm: auth.algorithm ?? GENERIC_DEFAULTS.algorithm,
    encoding: auth.encoding ?? GENERIC_DEFAULTS.encoding,
    prefix: auth.prefix,
  });
}
