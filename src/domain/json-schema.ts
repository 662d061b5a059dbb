/**
 * JSON Schema (draft 2020-12) for trigger payloads and webhook awaits, on
 * @cfworker/json-schema: it interprets schemas instead of generating code,
 * so it runs where `new Function` is refused (workerd outside tests).
 * Patterns match on RE2, in linear time (./linear-regexp.ts).
 */
import { Validator } from "@cfworker/json-schema";
import { getPointer } from "./transform";
import { patternProblem, withLinearRegExp } from "./linear-regexp";

/** One reason data fails a schema: where (a JSON pointer into the data) and why. */
export type SchemaIssue = { path: string; message: string };

const TYPES = new Set(["array", "boolean", "integer", "null", "number", "object", "string"]);
const SINGLE = ["items", "contains", "additionalProperties", "unevaluatedProperties", "propertyNames", "not", "if", "then", "else", "additionalItems", "unevaluatedItems"];
const LISTS = ["allOf", "anyOf", "oneOf", "prefixItems", "items"];
const MAPS = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"];
const NUMBERS = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties", "minContains", "maxContains"];
const MAX_DEPTH = 64;
const CACHE_SIZE = 256;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

function resolves(fragment: string, root: unknown, anchors: Set<string>): boolean {
  let frag: string;
  try {
    frag = decodeURIComponent(fragment);
  } catch {
    return false;
  }
  return frag === "" || (frag.startsWith("/") ? getPointer(root, frag) !== undefined : anchors.has(frag));
}

/** Walks every subschema and reports the first structural problem, with its location. */
function findProblem(s: unknown, at: string, root: unknown, anchors: Set<string>, depth: number): string | null {
  if (typeof s === "boolean") return null;
  if (!isObject(s)) return `${at || "/"}: a schema must be an object or a boolean`;
  if (depth > MAX_DEPTH) return `${at}: schema nests deeper than ${MAX_DEPTH} levels`;
  if ("$dynamicRef" in s) return `${at}/$dynamicRef: $dynamicRef is not supported`;
  const ref = s.$ref;
  if (ref !== undefined) {
    if (typeof ref !== "string" || !ref.startsWith("#")) return `${at}/$ref: only local references ("#…") are allowed, got ${JSON.stringify(ref)}`;
    // With a nested $id, "#…" is relative to that subschema: leave resolution to the validator.
    if (root !== null && !resolves(ref.slice(1), root, anchors)) return `${at}/$ref: ${ref} does not resolve inside this schema`;
  }
  const t = s.type;
  if (t !== undefined && !(typeof t === "string" ? TYPES.has(t) : Array.isArray(t) && t.every((x) => typeof x === "string" && TYPES.has(x)))) {
    return `${at}/type: must be one of ${[...TYPES].join(", ")} or an array of them`;
  }
  if (s.required !== undefined && !(Array.isArray(s.required) && s.required.every((x) => typeof x === "string"))) {
    return `${at}/required: must be an array of strings`;
  }
  if (s.enum !== undefined && !Array.isArray(s.enum)) return `${at}/enum: must be an array`;
  for (const k of NUMBERS) {
    if (s[k] !== undefined && !(typeof s[k] === "number" && Number.isFinite(s[k]))) return `${at}/${k}: must be a number`;
  }
  if (s.pattern !== undefined) {
    const problem = typeof s.pattern === "string" ? patternProblem(s.pattern) : "must be a string";
    if (problem) return `${at}/pattern: ${JSON.stringify(String(s.pattern).slice(0, 100))} ${problem}`;
  }
  for (const k of SINGLE) {
    if (s[k] !== undefined && !Array.isArray(s[k])) {
      const p = findProblem(s[k], `${at}/${k}`, root, anchors, depth + 1);
      if (p) return p;
    }
  }
  for (const k of LISTS) {
    if (k !== "items" && s[k] !== undefined && !Array.isArray(s[k])) return `${at}/${k}: must be an array of schemas`;
    if (!Array.isArray(s[k])) continue;
    for (const [i, sub] of (s[k] as unknown[]).entries()) {
      const p = findProblem(sub, `${at}/${k}/${i}`, root, anchors, depth + 1);
      if (p) return p;
    }
  }
  for (const k of MAPS) {
    if (s[k] === undefined) continue;
    if (!isObject(s[k])) return `${at}/${k}: must be an object of schemas`;
    for (const [name, sub] of Object.entries(s[k] as Record<string, unknown>)) {
      const problem = k === "patternProperties" ? patternProblem(name) : null;
      if (problem) return `${at}/${k}: ${JSON.stringify(name.slice(0, 100))} ${problem}`;
      const p = findProblem(sub, `${at}/${k}/${name.replace(/~/g, "~0").replace(/\//g, "~1")}`, root, anchors, depth + 1);
      if (p) return p;
    }
  }
  return null;
}

/** Every `$anchor` name in the schema (so `"$ref": "#name"` can be checked), and whether a subschema sets `$id`. */
function scan(v: unknown, out: { anchors: Set<string>; nestedId: boolean }, depth = 0): typeof out {
  if (depth > MAX_DEPTH || v === null || typeof v !== "object") return out;
  if (isObject(v) && typeof v.$anchor === "string") out.anchors.add(v.$anchor);
  if (isObject(v) && depth > 0 && v.$id !== undefined) out.nestedId = true;
  for (const x of Object.values(v)) scan(x, out, depth + 1);
  return out;
}

/**
 * `null` when `schema` is an acceptable JSON Schema, else a message saying
 * what is wrong. Remote `$ref`s are refused: validation never fetches.
 * @example checkSchema({ type: "object", required: ["id"] }) // null
 * @example checkSchema({ $ref: "https://example.com/s.json" }) // "/$ref: only local references …"
 */
export function checkSchema(schema: unknown): string | null {
  if (typeof schema !== "boolean" && !isObject(schema)) return "schema must be a JSON object or a boolean";
  let copy: unknown;
  try {
    copy = JSON.parse(JSON.stringify(schema));
  } catch {
    return "schema must be plain JSON";
  }
  const { anchors, nestedId } = scan(copy, { anchors: new Set(), nestedId: false });
  const problem = findProblem(copy, "", nestedId ? null : copy, anchors, 0);
  if (problem) return problem;
  try {
    const v = new Validator(copy as object, "2020-12", false);
    withLinearRegExp(() => {
      for (const dummy of [null, {}, [], "", 0, true]) v.validate(dummy);
    });
  } catch (e) {
    return `schema is not usable: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`;
  }
  return null;
}

// Messages that only point at a nested issue reported beside them.
const WRAPPER_RE = /^(A subschema had errors\.|Property "[^]*" does not match schema\.|Items did not match schema\.|False boolean schema\.)$/;

const cache = new Map<string, Validator>();

function validatorFor(schema: unknown): Validator {
  const key = JSON.stringify(schema);
  let v = cache.get(key);
  if (v) {
    cache.delete(key); // re-insert: the Map's order doubles as least-recently-used order
  } else {
    // The validator annotates the schema objects it is given, so hand it a private copy.
    v = new Validator(JSON.parse(key), "2020-12", false);
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  }
  cache.set(key, v);
  return v;
}

/**
 * Validates `data` and returns every issue (empty = valid). Paths are JSON
 * pointers into `data` (`""` is the root). Wrapper errors that only say "a
 * subschema had errors" are dropped when a more specific issue exists.
 * Compiled validators are kept (up to 256, least recently used dropped).
 * @example validateAgainstSchema({ type: "object", required: ["id"] }, {}) // [{ path: "", message: "Instance does not have required property \"id\"." }]
 */
export function validateAgainstSchema(schema: unknown, data: unknown): SchemaIssue[] {
  try {
    const validator = validatorFor(schema);
    const { valid, errors } = withLinearRegExp(() => validator.validate(data));
    if (valid) return [];
    const issues = errors.map((e) => ({ path: e.instanceLocation.replace(/^#/, ""), message: e.error }));
    const specific = issues.filter((i) => !WRAPPER_RE.test(i.message));
    return specific.length ? specific : issues;
  } catch (e) {
    return [{ path: "", message: e instanceof Error ? e.message.split("\n")[0] : String(e) }];
  }
}
