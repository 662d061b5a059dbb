/**
 * Shared-secret schemes without a MAC: bearer token, API key (header or query
 * parameter) and HTTP Basic. Secrets are compared through SHA-256 digests so
 * neither their content nor their length leaks through timing.
 */
import { OK, header, reject } from "./common";
import { decodeBase64, secretEqual, utf8 } from "./crypto";
import type { AuthResult, InboundRequest, WebhookAuth } from "./types";

type Auth<T extends WebhookAuth["type"]> = Extract<WebhookAuth, { type: T }>;

const DEFAULT_API_KEY_HEADER = "x-api-key";

/** `authorization: Bearer <token>`; the scheme name is case-insensitive (RFC 9110). */
export async function verifyBearer(auth: Auth<"bearer">, req: InboundRequest): Promise<AuthResult> {
  const value = header(req, "authorization");
  if (value === undefined) return reject("missing authorization header");
  const match = /^bearer +(\S.*)$/i.exec(value);
  if (!match) return reject("authorization is not a bearer token");
  return (await secretEqual(utf8(match[1]), utf8(auth.token))) ? OK : reject("invalid token");
}

/**
 * The key from the configured header and/or query parameter (`x-api-key` when
 * neither is configured). With both configured, either place may carry it.
 */
export async function verifyApiKey(auth: Auth<"api_key">, req: InboundRequest): Promise<AuthResult> {
  const given: string[] = [];
  const headerName = auth.header ?? (auth.query === undefined ? DEFAULT_API_KEY_HEADER : undefined);
  if (headerName !== undefined) {
    const value = header(req, headerName);
    if (value !== undefined) given.push(value);
  }
  if (auth.query !== undefined && Object.hasOwn(req.query, auth.query) && req.query[auth.query] !== "") {
    given.push(req.query[auth.query]);
  }
  if (given.length === 0) return reject("missing api key");
  const expected = utf8(auth.value);
  const results = await Promise.all(given.map((g) => secretEqual(utf8(g), expected)));
  return results.includes(true) ? OK : reject("invalid api key");
}

/** `authorization: Basic base64(username:password)`, compared as one UTF-8 string. */
export async function verifyBasic(auth: Auth<"basic">, req: InboundRequest): Promise<AuthResult> {
  const value = header(req, "authorization");
  if (value === undefined) return reject("missing authorization header");
  const match = /^basic +(\S+)$/i.exec(value);
  if (!match) return reject("authorization is not basic credentials");
  const given = decodeBase64(match[1]);
  if (given === null) return reject("malformed basic credentials");
  return (await secretEqual(given, utf8(`${auth.username}:${auth.password}`))) ? OK : reject("invalid credentials");
}
