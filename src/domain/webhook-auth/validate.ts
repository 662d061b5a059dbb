/**
 * Checks a `webhook.auth` config when a trigger is saved, so a bad one is a
 * 400 then rather than a 401 on every delivery later.
 */
import { PROVIDERS } from "./providers";
import { standardWebhooksKey } from "./standard-webhooks";

const MAX_SECRET_LENGTH = 1024;
const MAX_TOLERANCE_SECONDS = 86_400;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;
const ALGORITHMS = ["sha256", "sha1", "sha512"];
const ENCODINGS = ["hex", "base64"];
const GENERIC_ONLY = ["header", "algorithm", "encoding", "prefix"];

const FIELDS: Record<string, string[]> = {
  hmac: ["provider", "secret", "toleranceSeconds", ...GENERIC_ONLY],
  bearer: ["token"],
  api_key: ["header", "query", "value"],
  basic: ["username", "password"],
  none: [],
};

/**
 * Human-readable problems with `auth`; empty when it is valid.
 *
 * @example
 * validateWebhookAuth({ type: "hmac", provider: "github" }) // ["secret must be a non-empty string"]
 */
export function validateWebhookAuth(auth: unknown): string[] {
  if (typeof auth !== "object" || auth === null || Array.isArray(auth)) return ["auth must be an object"];
  const a = auth as Record<string, unknown>;
  if (typeof a.type !== "string" || !Object.hasOwn(FIELDS, a.type)) {
    return [`type must be one of ${Object.keys(FIELDS).join(", ")}`];
  }
  const allowed = FIELDS[a.type];
  const problems = Object.keys(a)
    .filter((key) => key !== "type" && !allowed.includes(key))
    .map((key) => `unknown field ${JSON.stringify(key)} for type ${a.type}`);

  switch (a.type) {
    case "hmac":
      problems.push(...hmacProblems(a));
      break;
    case "bearer":
      problems.push(...secretProblems(a, "token"));
      if (typeof a.token === "string" && /[\s\x00-\x1f\x7f]/.test(a.token)) problems.push("token must not contain whitespace or control characters");
      break;
    case "api_key":
      problems.push(...secretProblems(a, "value"));
      if (a.header !== undefined && !isHeaderName(a.header)) problems.push("header must be a valid HTTP header name");
      if (a.query !== undefined && !(typeof a.query === "string" && a.query.length >= 1 && a.query.length <= 256)) {
        problems.push("query must be a parameter name of 1-256 characters");
      }
      break;
    case "basic":
      problems.push(...secretProblems(a, "username"), ...secretProblems(a, "password"));
      if (typeof a.username === "string" && a.username.includes(":")) problems.push("username must not contain ':'");
      break;
  }
  return problems;
}

function hmacProblems(a: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const providers = PROVIDERS.map((p) => p.provider) as string[];
  if (typeof a.provider !== "string" || !providers.includes(a.provider)) {
    problems.push(`provider must be one of ${providers.join(", ")}`);
  }
  problems.push(...secretProblems(a, "secret"));
  if (a.provider === "standard-webhooks" && typeof a.secret === "string" && standardWebhooksKey(a.secret) === null) {
    problems.push("secret after whsec_ must be base64");
  }
  if (a.toleranceSeconds !== undefined) {
    const t = a.toleranceSeconds;
    if (typeof t !== "number" || !Number.isInteger(t) || t < 1 || t > MAX_TOLERANCE_SECONDS) {
      problems.push(`toleranceSeconds must be an integer from 1 to ${MAX_TOLERANCE_SECONDS}`);
    }
  }
  if (a.provider !== "generic") {
    for (const key of GENERIC_ONLY) if (a[key] !== undefined) problems.push(`${key} is only valid for provider generic`);
    return problems;
  }
  if (a.header !== undefined && !isHeaderName(a.header)) problems.push("header must be a valid HTTP header name");
  if (a.algorithm !== undefined && !ALGORITHMS.includes(a.algorithm as string)) {
    problems.push(`algorithm must be one of ${ALGORITHMS.join(", ")}`);
  }
  if (a.encoding !== undefined && !ENCODINGS.includes(a.encoding as string)) {
    problems.push(`encoding must be one of ${ENCODINGS.join(", ")}`);
  }
  if (a.prefix !== undefined && !(typeof a.prefix === "string" && /^[\x21-\x7e]{1,64}$/.test(a.prefix))) {
    problems.push("prefix must be 1-64 visible ASCII characters");
  }
  return problems;
}

/** Never echoes the value itself: problems end up in answers and logs. */
function secretProblems(a: Record<string, unknown>, field: string): string[] {
  const value = a[field];
  if (typeof value !== "string" || value === "") return [`${field} must be a non-empty string`];
  if (value.length > MAX_SECRET_LENGTH) return [`${field} must be at most ${MAX_SECRET_LENGTH} characters`];
  return [];
}

function isHeaderName(value: unknown): boolean {
  return typeof value === "string" && HEADER_NAME.test(value);
}
