/**
 * Declarative transforms (API.md "Matching and transforms"):
 * `{"pick": {"outField": "/json/pointer" | "$headers.x-name"}}` builds a fire's
 * payload from a raw webhook body and its headers. Also RFC 6901 pointers.
 */

const HEADER_PREFIX = "$headers.";
const HEADER_NAME_RE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const POINTER_RE = /^(\/([^~]|~[01])*)*$/;
const MAX_FIELDS = 256;

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * Resolves an RFC 6901 JSON pointer: `""` is the whole document, `~1` is `/`
 * and `~0` is `~`. Returns `undefined` when nothing is there or the pointer is
 * malformed.
 * @example getPointer({ a: { "b/c": [1, 2] } }, "/a/b~1c/1") // 2
 */
export function getPointer(doc: unknown, pointer: string): unknown {
  if (pointer === "") return doc;
  if (!POINTER_RE.test(pointer)) return undefined;
  let cur: unknown = doc;
  for (const raw of pointer.slice(1).split("/")) {
    const seg = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(cur)) {
      if (!/^(0|[1-9]\d*)$/.test(seg)) return undefined;
      cur = cur[Number(seg)];
    } else if (cur !== null && typeof cur === "object" && hasOwn(cur, seg)) {
      cur = (cur as Record<string, unknown>)[seg];
    } else {
      return undefined;
    }
  }
  return cur;
}

/**
 * Lists what is wrong with a transform (empty = valid).
 * @example validateTransform({ pick: { id: "/data/id", sig: "$headers.x-signature" } }) // []
 */
export function validateTransform(t: unknown): string[] {
  if (!isPlainObject(t)) return ['transform must be an object like {"pick": {"field": "/json/pointer"}}'];
  const extra = Object.keys(t).filter((k) => k !== "pick");
  if (extra.length) return [`transform: unknown key(s) ${extra.map((k) => `"${k}"`).join(", ")}; only "pick" is supported`];
  const pick = t.pick;
  if (!isPlainObject(pick)) return ['transform.pick must be an object of "outField": "/json/pointer" pairs'];
  const fields = Object.keys(pick);
  if (fields.length === 0) return ["transform.pick must name at least one field"];
  if (fields.length > MAX_FIELDS) return [`transform.pick has ${fields.length} fields, at most ${MAX_FIELDS} are allowed`];
  const problems: string[] = [];
  for (const field of fields) {
    const src = pick[field];
    if (field === "") problems.push("transform.pick: output field names cannot be empty");
    if (typeof src !== "string") {
      problems.push(`transform.pick.${field}: must be a JSON pointer string or "$headers.<name>"`);
    } else if (src.startsWith(HEADER_PREFIX)) {
      if (!HEADER_NAME_RE.test(src.slice(HEADER_PREFIX.length))) {
        problems.push(`transform.pick.${field}: "${src}" does not name a valid header`);
      }
    } else if (!POINTER_RE.test(src)) {
      problems.push(`transform.pick.${field}: "${src}" is not a JSON pointer (use "" or start with "/", escape ~ as ~0 and / as ~1)`);
    }
  }
  return problems;
}

/**
 * Builds the payload: each output field takes the value its pointer finds in
 * `body`, or the named header (names compared lowercase). Missing values are
 * left out rather than set to null, so a schema's `required` can catch them.
 * @example applyTransform({ pick: { id: "/id", ev: "$headers.X-Event" } }, { id: 1 }, { "x-event": "push" }) // { id: 1, ev: "push" }
 */
export function applyTransform(
  t: { pick: Record<string, string> },
  body: unknown,
  headers: Record<string, string>,
): Record<string, unknown> {
  const lower = new Map<string, string>();
  for (const [k, v] of Object.entries(headers)) lower.set(k.toLowerCase(), v);
  const out: [string, unknown][] = [];
  for (const [field, src] of Object.entries(t.pick)) {
    const value = src.startsWith(HEADER_PREFIX)
      ? lower.get(src.slice(HEADER_PREFIX.length).toLowerCase())
      : getPointer(body, src);
    if (value !== undefined) out.push([field, value]);
  }
  // fromEntries defines own properties, so a field named "__proto__" stays data.
  return Object.fromEntries(out);
}
