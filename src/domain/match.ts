/**
 * The match language of API.md "Matching and transforms", used by trigger
 * filters and `event` awaits: `{"dot.path": expected}` pairs that must all
 * hold, where `expected` is a literal (deep equality) or one operator object.
 */

/** A match expression: dot paths to literals or operator objects. */
export type MatchExpr = Record<string, unknown>;

const MAX_KEYS = 64;
const COMPARISONS = ["$gt", "$gte", "$lt", "$lte"] as const;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/**
 * Reads a dot path: object keys, or array indexes for numeric segments.
 * `found` tells a missing field from one holding `null`.
 * @example getPath({ data: { items: [{ id: 7 }] } }, "data.items.0.id") // { found: true, value: 7 }
 */
export function getPath(doc: unknown, dotPath: string): { found: boolean; value: unknown } {
  let cur: unknown = doc;
  for (const seg of dotPath.split(".")) {
    if (Array.isArray(cur)) {
      if (!/^(0|[1-9]\d*)$/.test(seg) || Number(seg) >= cur.length) return { found: false, value: undefined };
      cur = cur[Number(seg)];
    } else if (cur !== null && typeof cur === "object" && hasOwn(cur, seg)) {
      cur = (cur as Record<string, unknown>)[seg];
    } else {
      return { found: false, value: undefined };
    }
  }
  return { found: true, value: cur };
}

/** Deep equality of JSON values: objects ignore key order, arrays do not. */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => hasOwn(b, k) && deepEqual((a as any)[k], (b as any)[k]));
}

const isOperatorKey = (k: string) => k.startsWith("$");

/** Problems with one operator object, e.g. `{"$gt": 5}`. */
function operatorProblems(path: string, op: Record<string, unknown>): string[] {
  const keys = Object.keys(op);
  if (!keys.every(isOperatorKey)) return [`"${path}": an operator object cannot mix "$" keys with other keys`];
  if (keys.length !== 1) return [`"${path}": an operator object takes exactly one operator, got ${keys.length}`];
  const [k] = keys;
  const v = op[k];
  switch (k) {
    case "$in":
      return Array.isArray(v) ? [] : [`"${path}": $in takes an array`];
    case "$ne":
      return v === undefined ? [`"${path}": $ne takes a JSON value`] : [];
    case "$exists":
      return typeof v === "boolean" ? [] : [`"${path}": $exists takes true or false`];
    case "$prefix":
      return typeof v === "string" ? [] : [`"${path}": $prefix takes a string`];
    default:
      if ((COMPARISONS as readonly string[]).includes(k)) {
        return typeof v === "number" && Number.isFinite(v) ? [] : [`"${path}": ${k} takes a finite number`];
      }
      return [`"${path}": unknown operator ${k} (use $in, $ne, $exists, $gt, $gte, $lt, $lte or $prefix)`];
  }
}

/**
 * Lists what is wrong with a match expression, in words a user can act on;
 * an empty list means it is valid. Unknown operators are errors, not
 * literals, so a typo like `$gte` → `$gtr` cannot silently never match.
 * @example validateMatch({ "data.amount": { $gt: "5" } }) // ['"data.amount": $gt takes a finite number']
 */
export function validateMatch(expr: unknown): string[] {
  if (!isPlainObject(expr)) return ["match must be an object of \"dot.path\": expected pairs"];
  const keys = Object.keys(expr);
  if (keys.length > MAX_KEYS) return [`match has ${keys.length} keys, at most ${MAX_KEYS} are allowed`];
  const problems: string[] = [];
  for (const path of keys) {
    if (path === "" || path.split(".").some((s) => s === "")) {
      problems.push(`"${path}": a path is dot-separated field names with no empty segment`);
      continue;
    }
    const v = expr[path];
    if (v === undefined) problems.push(`"${path}": expected value must be JSON`);
    else if (isPlainObject(v) && Object.keys(v).some(isOperatorKey)) problems.push(...operatorProblems(path, v));
  }
  return problems;
}

/** Evaluates one expected value against what the path found. Unknown operators never match. */
function holds(expected: unknown, found: boolean, value: unknown): boolean {
  if (!isPlainObject(expected) || !Object.keys(expected).some(isOperatorKey)) {
    return found && deepEqual(value, expected);
  }
  const keys = Object.keys(expected);
  if (keys.length !== 1) return false;
  const [op] = keys;
  const arg = expected[op];
  switch (op) {
    case "$in":
      return found && Array.isArray(arg) && arg.some((x) => deepEqual(value, x));
    case "$ne":
      return !found || !deepEqual(value, arg);
    case "$exists":
      return typeof arg === "boolean" && found === arg;
    case "$prefix":
      return found && typeof value === "string" && typeof arg === "string" && value.startsWith(arg);
  }
  if (!found || typeof value !== "number" || typeof arg !== "number") return false;
  switch (op) {
    case "$gt":
      return value > arg;
    case "$gte":
      return value >= arg;
    case "$lt":
      return value < arg;
    case "$lte":
      return value <= arg;
    default:
      return false;
  }
}

/**
 * Whether `doc` satisfies every pair of `expr`. Callers evaluate against the
 * fire `{ data, source, trigger }`, so payload fields are `data.x`.
 * @example matches({ "data.jobId": "J1", "data.n": { $gte: 2 } }, { data: { jobId: "J1", n: 3 } }) // true
 */
export function matches(expr: MatchExpr, doc: unknown): boolean {
  for (const path of Object.keys(expr)) {
    const { found, value } = getPath(doc, path);
    if (!holds(expr[path], found, value)) return false;
  }
  return true;
}

/** What a waiter can be found by: one path whose expected value is a plain scalar (compared with ===). */
export type EqualityProbe = { path: string; key: string };

const isScalar = (v: unknown): v is string | number | boolean | null =>
  v === null || typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v));

/**
 * The key a scalar is found by (its JSON), or null for anything else; the
 * same for a literal and for the value a fire holds, so equal keys mean `===`.
 * @example scalarKey("J1") // '"J1"'
 */
export function scalarKey(v: unknown): string | null {
  return isScalar(v) ? JSON.stringify(Object.is(v, -0) ? 0 : v) : null;
}

/**
 * A path of `expr` every matching document must hold a given scalar at (the
 * first such path in sorted order), or null when there is none (every pair is
 * an operator, an object or an array). A document that does not hold
 * `probe.key` at `probe.path` cannot match, so matchers can be looked up by it.
 * @example equalityProbe({ "data.n": { $gt: 1 }, "data.jobId": "J1" }) // { path: "data.jobId", key: '"J1"' }
 */
export function equalityProbe(expr: MatchExpr): EqualityProbe | null {
  for (const path of Object.keys(expr).sort()) {
    const key = scalarKey(expr[path]);
    if (key !== null) return { path, key };
  }
  return null;
}
