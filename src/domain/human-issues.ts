/**
 * Validation issues written for people: a zod issue becomes "<field>: <what
 * was expected>" (`retry.maxAttempts: must be at most 50`, `poll.url:
 * required`) instead of the validator's own wording. Messages the schemas
 * set themselves (custom refinements, `.regex(re, "must …")`) are kept.
 */

/** The parts of a zod issue this module reads (zod 4's issue shapes). */
export type ZodLikeIssue = {
  code?: string;
  path: PropertyKey[];
  message: string;
  expected?: string;
  received?: string;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  format?: string;
  pattern?: string;
  values?: unknown[];
  keys?: string[];
  options?: unknown[];
  divisor?: number;
  errors?: ZodLikeIssue[][];
  issues?: ZodLikeIssue[];
};

export type HumanIssue = { path: string; message: string; code?: string };

/** zod's own default messages start like this; a schema's custom message does not. */
const DEFAULT_MESSAGE = /^(Invalid|Too (big|small)|Unrecognized key)/;

const TYPE_NAMES: Record<string, string> = {
  string: "a string", number: "a number", int: "an integer", boolean: "a boolean (true or false)", object: "a JSON object",
  array: "an array", null: "null", bigint: "an integer", date: "a date", record: "a JSON object", tuple: "an array",
};

const article = (t: string) => TYPE_NAMES[t] ?? `of type ${t}`;
const list = (vs: unknown[]) => vs.map((v) => JSON.stringify(v)).join(", ");

/** What the value was, from the input when known, else from zod's message. */
function receivedOf(issue: ZodLikeIssue, input: unknown): string | null {
  if (input !== NOT_GIVEN) return input === null ? "null" : Array.isArray(input) ? "an array" : typeof input === "object" ? "an object" : `a ${typeof input}`;
  const m = /received (\w+)/.exec(issue.message);
  return issue.received ?? m?.[1] ?? null;
}

function sizeText(issue: ZodLikeIssue, bound: "min" | "max"): string {
  const n = Number(bound === "min" ? issue.minimum : issue.maximum);
  const inclusive = issue.inclusive !== false;
  const word = bound === "min" ? (inclusive ? "at least" : "more than") : inclusive ? "at most" : "less than";
  switch (issue.origin) {
    case "string":
      if (bound === "min" && n === 1 && inclusive) return "must not be empty";
      return `must be ${word} ${n} character${n === 1 ? "" : "s"} long`;
    case "array":
    case "set":
      if (bound === "min" && n === 1 && inclusive) return "must have at least one item";
      return `must have ${word} ${n} item${n === 1 ? "" : "s"}`;
    case "object":
    case "record":
      return `must have ${word} ${n} field${n === 1 ? "" : "s"}`;
    default:
      return `must be ${word} ${n}`;
  }
}

const NOT_GIVEN = Symbol("not given");

/** The value at `path` inside `root` (NOT_GIVEN when the path leaves the data). */
function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let v: unknown = root;
  for (const k of path) {
    if (v === null || typeof v !== "object" || !Object.prototype.hasOwnProperty.call(v, k as string)) return NOT_GIVEN;
    v = (v as Record<string, unknown>)[k as string];
  }
  return v;
}

/** The text for one issue (without its field name). */
function describe(issue: ZodLikeIssue, input: unknown): string {
  if (issue.code === "custom" || !DEFAULT_MESSAGE.test(issue.message)) return issue.message;
  switch (issue.code) {
    case "invalid_type": {
      if (input === NOT_GIVEN || input === undefined) return "required";
      const got = receivedOf(issue, input);
      const want = `must be ${article(issue.expected ?? "")}`;
      return got ? `${want}, not ${got === "NaN" ? "a number we could read" : got}` : want;
    }
    case "too_small":
      return sizeText(issue, "min");
    case "too_big":
      return sizeText(issue, "max");
    case "invalid_format":
      if (issue.format === "regex" && issue.pattern) return `must match ${issue.pattern}`;
      if (issue.format === "url") return "must be an absolute URL";
      if (issue.format === "starts_with" || issue.format === "ends_with" || issue.format === "includes") return issue.message.replace(/^Invalid string: /, "");
      return `must be a valid ${issue.format ?? "value"}`;
    case "invalid_value":
      if (issue.values?.length === 1) return `must be ${list(issue.values)}`;
      return `must be one of ${list(issue.values ?? [])}`;
    case "invalid_union": {
      if (issue.options?.length) return `must be one of ${list(issue.options)}`;
      // a plain union: the branch that came closest tells what was wrong
      const best = [...(issue.errors ?? [])].sort((a, b) => a.length - b.length)[0];
      if (best?.length === 1 && best[0].path.length === 0) return describe(best[0], input);
      return "does not match any of the accepted shapes";
    }
    case "invalid_key":
      return `has a field name that ${issue.issues?.[0] ? describe(issue.issues[0], NOT_GIVEN).replace(/^must/, "does not") : "is not allowed"}`;
    case "invalid_element":
      return issue.issues?.[0] ? describe(issue.issues[0], NOT_GIVEN) : "has an invalid item";
    case "not_multiple_of":
      return `must be a multiple of ${issue.divisor}`;
    default:
      return issue.message;
  }
}

const join = (path: PropertyKey[]) => path.map(String).join(".");

/**
 * Issues for people, one per problem (an unknown-field issue becomes one per
 * field). `input` is the data that was validated, so a missing field reads
 * "required" rather than "expected string, received undefined".
 * @example humanIssues([{ code: "too_big", origin: "number", maximum: 50, inclusive: true, path: ["retry", "maxAttempts"], message: "Too big: expected number to be <=50" }], {})
 * // [{ path: "retry.maxAttempts", message: "must be at most 50", code: "too_big" }]
 */
export function humanIssues(issues: ZodLikeIssue[], input: unknown): HumanIssue[] {
  const out: HumanIssue[] = [];
  for (const i of issues) {
    if (i.code === "unrecognized_keys" && i.keys?.length) {
      for (const k of i.keys) out.push({ path: join([...i.path, k]), message: "is not a known field", code: i.code });
      continue;
    }
    out.push({ path: join(i.path), message: describe(i, valueAt(input, i.path)), code: i.code });
  }
  return out;
}

/**
 * One line for an error message: "field: problem; field: problem" (the
 * nameless root is called `root`), cut at `max` characters.
 * @example issueLine([{ path: "poll.url", message: "required" }], "body") // "poll.url: required"
 */
export function issueLine(issues: HumanIssue[], root: string, max = 1000): string {
  const text = issues.map((i) => `${i.path || root}: ${i.message}`).join("; ");
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
