/**
 * Checks a trigger's `poll` block when it is saved: every problem comes back
 * as a sentence naming the field, for the 400 answer. Header values are
 * secrets and are never quoted.
 */
import { pollTimingProblems } from "./period";
import { MAX_POLL_TIMEOUT_MS, MIN_POLL_TIMEOUT_MS } from "./limits";

const FIELDS = ["url", "method", "headers", "every", "cron", "itemsPointer", "idPointer", "cursor", "startFrom", "timeoutMs"];
const METHODS = ["GET", "POST"];
const POINTER_RE = /^(\/([^~]|~[01])*)*$/;
const HEADER_NAME_RE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;
const MAX_URL_LENGTH = 2048;
const MAX_HEADERS = 32;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Problems with a `poll` block; empty when it is usable.
 * @example validatePoll({ url: "https://api.example.com/items", every: "5m", itemsPointer: "/items" }) // []
 * @example validatePoll({ url: "ftp://x", every: "1s" }) // ["poll.url must be an http or https URL", 'poll.every must be at least 5s …']
 */
export function validatePoll(poll: unknown): string[] {
  if (!isObject(poll)) return ["poll must be an object"];
  const problems: string[] = [];
  for (const key of Object.keys(poll)) if (!FIELDS.includes(key)) problems.push(`poll.${key} is not a poll setting (${FIELDS.join(", ")})`);
  problems.push(...urlProblems(poll.url));
  if (poll.method !== undefined && !(typeof poll.method === "string" && METHODS.includes(poll.method.toUpperCase()))) {
    problems.push(`poll.method must be ${METHODS.join(" or ")}`);
  }
  if (poll.headers !== undefined) problems.push(...headerProblems(poll.headers));
  problems.push(...pollTimingProblems({ every: poll.every as string | undefined, cron: poll.cron as string | undefined }));
  for (const key of ["itemsPointer", "idPointer"] as const) {
    if (poll[key] !== undefined && !isPointer(poll[key])) problems.push(`poll.${key} must be a JSON pointer ("" or starting with "/")`);
  }
  if (poll.cursor !== undefined) problems.push(...cursorProblems(poll.cursor));
  if (poll.startFrom !== undefined && poll.startFrom !== "now" && poll.startFrom !== "beginning") problems.push('poll.startFrom must be "now" or "beginning"');
  const t = poll.timeoutMs;
  if (t !== undefined && !(typeof t === "number" && Number.isInteger(t) && t >= MIN_POLL_TIMEOUT_MS && t <= MAX_POLL_TIMEOUT_MS)) {
    problems.push(`poll.timeoutMs must be an integer from ${MIN_POLL_TIMEOUT_MS} to ${MAX_POLL_TIMEOUT_MS}`);
  }
  return problems;
}

function urlProblems(url: unknown): string[] {
  if (typeof url !== "string" || url === "") return ["poll.url must be an http or https URL"];
  if (url.length > MAX_URL_LENGTH) return [`poll.url must be at most ${MAX_URL_LENGTH} characters`];
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return ["poll.url must be an http or https URL"];
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return ["poll.url must be an http or https URL"];
  // Credentials in a URL end up in logs and in the redacted view; headers are redacted.
  if (u.username || u.password) return ["poll.url must not contain a user name or password; send them in poll.headers"];
  return [];
}

function headerProblems(headers: unknown): string[] {
  if (!isObject(headers)) return ["poll.headers must be an object of header names and string values"];
  const names = Object.keys(headers);
  if (names.length > MAX_HEADERS) return [`poll.headers may have at most ${MAX_HEADERS} headers`];
  const problems: string[] = [];
  const lower = new Set<string>();
  for (const name of names) {
    if (!HEADER_NAME_RE.test(name)) problems.push(`poll.headers: ${JSON.stringify(name)} is not a valid header name`);
    else if (lower.has(name.toLowerCase())) problems.push(`poll.headers: ${JSON.stringify(name)} is given twice (names are case-insensitive)`);
    lower.add(name.toLowerCase());
    const v = headers[name];
    if (typeof v !== "string") problems.push(`poll.headers.${name} must be a string`);
    else if (/[\r\n\0]/.test(v)) problems.push(`poll.headers.${name} must not contain line breaks or NUL`);
  }
  return problems;
}

function cursorProblems(cursor: unknown): string[] {
  if (!isObject(cursor)) return ['poll.cursor must be an object like {"param": "since", "fromPointer": "/nextCursor"}'];
  const problems: string[] = [];
  for (const key of Object.keys(cursor)) if (key !== "param" && key !== "fromPointer") problems.push(`poll.cursor.${key} is not a cursor setting (param, fromPointer)`);
  if (!(typeof cursor.param === "string" && cursor.param.length >= 1 && cursor.param.length <= 128)) problems.push("poll.cursor.param must be a query parameter name of 1-128 characters");
  if (!isPointer(cursor.fromPointer) || cursor.fromPointer === "") problems.push('poll.cursor.fromPointer must be a JSON pointer starting with "/"');
  return problems;
}

function isPointer(v: unknown): v is string {
  return typeof v === "string" && POINTER_RE.test(v);
}
