/**
 * fast-check arbitraries for the HTTP fuzz tests: request shapes for every
 * /v1 route of the contract and the webhook ingress, built from a context of
 * pre-registered fixtures (names, flows, fire and delivery ids) so that most
 * requests reach real state, plus mutations of valid bodies, hostile names,
 * query strings, headers and raw bodies. Pure: no bindings, no clock.
 */
import fc from "fast-check";

export type FuzzContext = {
  tenant: string;
  names: string[];
  flows: string[];
  eventIds: string[];
  deliveryIds: string[];
  webhookPaths: string[];
  /** valid trigger definitions (the fixtures' own) to mutate */
  definitions: Record<string, unknown>[];
  /** a valid subscription body to mutate */
  subscription: Record<string, unknown>;
};

export type RawBody = { kind: "none" } | { kind: "text"; text: string; note: string } | { kind: "bytes"; bytes: number[]; note: string };

export type FuzzRequest = {
  route: string;
  method: string;
  path: string;
  query: string;
  headers: Array<[string, string]>;
  body: RawBody;
  /** bearer key, or null for none */
  key: string | null;
};

const HTTP_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"] as const;

// ---------- strings and names ----------

/** Header-safe text: visible ASCII and spaces (workerd sends anything else as UTF-8 and warns). */
export const headerText = (maxLength = 40) => fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });

const unicodeText = (maxLength = 24) => fc.oneof(fc.string({ unit: "grapheme", maxLength }), fc.string({ unit: "binary", maxLength }), fc.string({ maxLength }));

export const validName = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,30}$/);

const WEIRD_SEGMENTS = [
  "..", ".", "%2e%2e", "%2E", "%2F", "a%2Fb", "%00", "a%00b", "%E0%A4%A", "%", "%%", "%zz", "a%20b", "%C3%28", "%FF%FE",
  "é", "%C3%A9", "💥", "a..b", "-a", "_a", ".a", "a:b", "A:B.c-d_e", "a b", "a+b", "a;b", "a,b", "a'b", 'a"b', "<script>", "${x}", "*", "a*",
  "%252F", "\u200b", "ǅ", "İ", "a\u0301",
] as const;

/**
 * Valid trigger names that name nothing. A small fixed set on purpose: every
 * name the Worker asks an object about instantiates (and persists) one, and
 * the test runtime slows down with each live object.
 */
export const GHOST_NAMES = ["ghost", "Ghost.2", "g:h-o_s.t", "0", "z".repeat(128), "ghost.trigger.with.dots", "9:9", "A-", "a.b.c.d.e", "g_h"] as const;

/** A path segment: mostly a pool value, else valid, too long, unicode, raw or percent-encoding games. */
export function segment(pool: readonly string[], valid: fc.Arbitrary<string> = validName): fc.Arbitrary<string> {
  const arbs: fc.WeightedArbitrary<string>[] = [
    { weight: 2, arbitrary: valid.map(encodeURIComponent) },
    { weight: 1, arbitrary: fc.integer({ min: 129, max: 600 }).map((n) => "a".repeat(n)) },
    { weight: 2, arbitrary: unicodeText(20).map(encodeURIComponent) },
    { weight: 1, arbitrary: fc.string({ unit: "binary-ascii", maxLength: 12 }) },
    { weight: 2, arbitrary: fc.constantFrom(...WEIRD_SEGMENTS) },
  ];
  if (pool.length) arbs.unshift({ weight: 10, arbitrary: fc.constantFrom(...pool).map(encodeURIComponent) });
  return fc.oneof(...arbs);
}

// ---------- JSON values and mutations ----------

const EDGE_VALUES: unknown[] = [
  "", " ", "********", "null", "true", "0", "-1", "a".repeat(5000), "\u0000", "💥", "../..", "<script>alert(1)</script>", "%00", "\ud800",
  -1, 0, 1, 1.5, -0.5, 1e308, -1e308, 2 ** 53, 2 ** 53 + 2, -(2 ** 63), 1e-300, true, false, null, [], {}, [null], { "": null },
  { __proto__: null, constructor: { prototype: { polluted: true } } }, { $ne: 1 }, { $in: [] }, ["a", 1, null, {}],
];

export const jsonAny: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2, stringUnit: "grapheme" }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2, stringUnit: "binary" }) },
  { weight: 2, arbitrary: fc.constantFrom(...EDGE_VALUES) },
);

type Path = Array<string | number>;

function pathsOf(v: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => pathsOf(x, [...prefix, i], out));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) pathsOf(x, [...prefix, k], out);
  return out;
}

const clone = <T>(v: T): T => (v === undefined ? v : JSON.parse(JSON.stringify(v)));

/** Applies fn to the value at path (a copy); fn returning undefined removes it. */
function updateAt(root: unknown, path: Path, fn: (v: unknown) => unknown): unknown {
  if (path.length === 0) return fn(clone(root));
  const copy = clone(root) as any;
  let parent = copy;
  for (const k of path.slice(0, -1)) {
    if (parent === null || typeof parent !== "object") return copy;
    parent = parent[k];
  }
  if (parent === null || typeof parent !== "object") return copy;
  const last = path[path.length - 1];
  const next = fn(parent[last]);
  if (next === undefined) {
    if (Array.isArray(parent) && typeof last === "number") parent.splice(last, 1);
    else delete parent[last];
  } else parent[last] = next;
  return copy;
}

function retype(v: unknown): unknown {
  if (typeof v === "string") return Number.isNaN(Number(v)) ? v.length : String(Number(v)) === v ? Number(v) : [v];
  if (typeof v === "number") return String(v);
  if (typeof v === "boolean") return String(v);
  if (v === null) return 0;
  if (Array.isArray(v)) return Object.fromEntries(v.map((x, i) => [String(i), x]));
  if (typeof v === "object") return Object.values(v as object);
  return null;
}

type Mutation = { at: number; op: "remove" | "replace" | "retype" | "edge" | "addKey" | "string" | "repeat"; value: unknown; edge: unknown; str: string; key: string };

const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom("remove", "replace", "retype", "edge", "addKey", "string", "repeat"),
  value: jsonAny,
  edge: fc.constantFrom(...EDGE_VALUES),
  str: unicodeText(30),
  key: fc.oneof(fc.constantFrom("extra", "__proto__", "constructor", "type", "", "$ref", "secret"), unicodeText(8)),
});

function applyMutation(base: unknown, m: Mutation): unknown {
  const paths = pathsOf(base);
  const path = paths[m.at % paths.length];
  switch (m.op) {
    case "remove": return updateAt(base, path, () => undefined);
    case "replace": return updateAt(base, path, () => clone(m.value));
    case "retype": return updateAt(base, path, retype);
    case "edge": return updateAt(base, path, () => clone(m.edge));
    case "string": return updateAt(base, path, () => m.str);
    case "addKey": return updateAt(base, path, (v) => (Array.isArray(v) ? [...v, clone(m.value)] : v && typeof v === "object" ? { ...(v as object), [m.key]: clone(m.value) } : v));
    case "repeat": return updateAt(base, path, (v) => (Array.isArray(v) ? Array.from({ length: 101 + (m.at % 60) }, (_, i) => v[i % Math.max(v.length, 1)] ?? i) : [v, v]));
  }
}

/** A valid body with one to three fields removed, replaced, retyped or added. */
export function mutated(base: unknown): fc.Arbitrary<unknown> {
  return fc.array(mutation, { minLength: 1, maxLength: 3 }).map((ms) => ms.reduce((v, m) => applyMutation(v, m), clone(base)));
}

function nest(depth: number, object: boolean, leaf: unknown): unknown {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) v = object ? { a: v } : [v];
  return v;
}

// ---------- raw bodies ----------

const GARBAGE_TEXT = [
  "{", "[1,2", '{"type":', "nul", "undefined", "NaN", '{"a":1}}', "\uFEFF{}", '{"a":1,}', "'single'", "{'a':1}", "[]", "0", '""', "null", "true",
  '{"__proto__":{"type":"event"}}', '{"constructor":{"prototype":{"polluted":true}}}', '{"a":1,"a":2}', "{\"a\":\"\\ud800\"}", '{"a":"\\u0000"}',
  "1e999", "-", '{"data":1e999}', '{"data":[' + "1,".repeat(2000) + "1]}",
] as const;

/**
 * A body for a route whose valid shape is `base`: mostly one-field mutations,
 * else the base itself, random JSON, garbage text, invalid UTF-8, deep
 * nesting (kept under 1000 levels) or a huge string near or over 1 MiB.
 */
export function rawBody(base: unknown): fc.Arbitrary<RawBody> {
  const json = (note: string) => (v: unknown): RawBody => (v === undefined ? { kind: "none" } : { kind: "text", text: JSON.stringify(v), note });
  return fc.oneof(
    { weight: 10, arbitrary: mutated(base).map(json("mutated")) },
    { weight: 3, arbitrary: fc.constant(base).map(json("valid")) },
    { weight: 3, arbitrary: jsonAny.map(json("random json")) },
    { weight: 2, arbitrary: fc.oneof(fc.constantFrom(...GARBAGE_TEXT), unicodeText(40)).map((text): RawBody => ({ kind: "text", text, note: "garbage" })) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 12 }).map((b) => b.map((x) => x | 0x80)), fc.boolean()).map(([bad, inString]): RawBody => {
        const text = JSON.stringify(base ?? {});
        const cut = inString ? Math.max(text.indexOf('"') + 1, 0) : text.length;
        const head = Array.from(new TextEncoder().encode(text.slice(0, cut)));
        const tail = Array.from(new TextEncoder().encode(text.slice(cut)));
        return { kind: "bytes", bytes: [...head, ...bad, ...tail], note: "high bytes (mostly invalid utf-8)" };
      }),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.integer({ min: 20, max: 1000 }), fc.boolean(), mutation).map(([depth, object, m]): RawBody => {
        const deep = nest(depth, object, "leaf");
        return json(`deep ${depth}`)(applyMutation(base, { ...m, op: "replace", value: deep }));
      }),
    },
    {
      weight: 1,
      // Within 1 MiB only under an unknown key, so a valid-shape huge body never lands in a fixture's stream.
      arbitrary: fc.tuple(fc.integer({ min: 100_000, max: 1_100_000 }), fc.constantFrom("x", "é", "💥")).map(([n, ch]): RawBody => {
        const units = ch === "x" ? n : Math.floor(n / (ch === "é" ? 2 : 4));
        return { kind: "text", text: JSON.stringify({ ...(base && typeof base === "object" && !Array.isArray(base) ? base : {}), zzPadding: ch.repeat(units) }), note: `huge ${n} bytes of ${ch}` };
      }),
    },
    { weight: 1, arbitrary: fc.constant<RawBody>({ kind: "none" }) },
  );
}

export const contentType: fc.Arbitrary<string | null> = fc.oneof(
  { weight: 12, arbitrary: fc.constant("application/json") },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      null, "text/plain", "application/x-www-form-urlencoded", "application/json; charset=utf-8", "application/json;charset=UTF-16",
      "application/vnd.api+json", "APPLICATION/JSON", "application/jsonx", "application/json-patch+json", "multipart/form-data; boundary=x",
      "json", "application/", "*/*", "application/json, text/plain", " application/json",
    ),
  },
  { weight: 1, arbitrary: headerText(30) },
);

// ---------- queries and headers ----------

function intText(min: number, max: number): fc.Arbitrary<string> {
  return fc.integer({ min, max }).map(String);
}

const NUMBER_GARBAGE = ["0", "-1", "abc", "1e2", "5.5", " 7", "0x10", "", "99999999999999999999", "Infinity", "NaN", "[]", "1,2", "+3", "٣", "1e-7", "0b11", "null", "9007199254740993"] as const;

/** Values for a query key: valid ones, near misses and garbage; waitMs never asks for a long wait. */
export function queryValue(key: string, ctx: FuzzContext): fc.Arbitrary<string> {
  const garbage = fc.oneof(fc.constantFrom(...NUMBER_GARBAGE), headerText(20), unicodeText(10));
  switch (key) {
    case "limit": return fc.oneof(intText(1, 500), intText(-5, 1000), garbage);
    case "count": return fc.oneof(intText(1, 1000), intText(-5, 2000), garbage);
    case "after": return fc.oneof(intText(0, 50), garbage);
    case "waitMs": return fc.oneof(intText(0, 20), garbage.filter((s) => !(Number(s.trim()) > 50)));
    case "cursor": return fc.oneof(
      intText(0, 1e6), headerText(30), unicodeText(10),
      fc.tuple(fc.oneof(fc.integer(), fc.double(), fc.constant(null)), fc.oneof(fc.string(), fc.integer())).map((t) => btoa(JSON.stringify(t)).replace(/=+$/, "")),
      fc.integer({ min: 1001, max: 3000 }).map((n) => "A".repeat(n)),
    );
    case "types": return fc.oneof(fc.constantFrom("trigger.fired", "trigger.fired,trigger.skipped", ",,,", "TRIGGER.FIRED", "trigger.*", "a,b,c", "subscription.added"), headerText(20));
    case "status": return fc.oneof(fc.constantFrom("queued", "delivering", "delivered", "processing", "completed", "failed", "dead", "skipped", "active", "retired", "deprecated", "Dead", ""), headerText(10));
    case "type": return fc.oneof(fc.constantFrom("event", "webhook", "schedule", "manual", "poll", "EVENT", ""), headerText(10));
    case "q": return fc.oneof(fc.constantFrom(...ctx.names.map((n) => n.slice(0, 6)), "%", "_", "'", "\\", "fz."), unicodeText(12), fc.integer({ min: 129, max: 300 }).map((n) => "q".repeat(n)));
    case "subscribedBy": return fc.oneof(fc.constantFrom(...ctx.flows), validName, unicodeText(10));
    default: return fc.oneof(headerText(12), unicodeText(6));
  }
}

export function queryString(keys: readonly string[], ctx: FuzzContext): fc.Arbitrary<string> {
  const allKeys = [...keys, "zz", "limit", "cursor", "__proto__", ""];
  const pair = fc.constantFrom(...allKeys).chain((k) => fc.tuple(fc.constant(k), queryValue(k, ctx), fc.nat(9)));
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant("") },
    {
      weight: 8,
      arbitrary: fc.array(pair, { maxLength: 4 }).map((ps) =>
        ps.length === 0 ? "" : "?" + ps.map(([k, v, r]) => (r === 0 ? `${k}=${v}` : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)).join("&"),
      ),
    },
    { weight: 1, arbitrary: fc.constantFrom("?", "?&&", "?=", "?limit", "?limit=1&limit=2", "?%zz=1", "?a=%", "?limit=%31", "?cursor=%00", "?types=%E0%A4%A") },
  );
}

const IF_MATCH = ['"1"', "1", 'W/"2"', '"999999"', "banana", "*", '"-1"', '""', "99999999999999999999", '"1", "2"', " 1 ", '"1.5"', "W/", '"0"'] as const;

/** Optional request headers: idempotency keys, If-Match, content-type games, noise. */
export function headerSet(extra: Array<fc.Arbitrary<[string, string]>> = []): fc.Arbitrary<Array<[string, string]>> {
  const one: fc.Arbitrary<[string, string]> = fc.oneof(
    fc.tuple(fc.constantFrom("idempotency-key", "Idempotency-Key"), fc.oneof(fc.constantFrom("k-1", "k-2", "fz-key", "", " ", "a b", "a\tb"), headerText(40), fc.integer({ min: 200, max: 400 }).map((n) => "k".repeat(n)))),
    fc.tuple(fc.constant("if-match"), fc.oneof(fc.constantFrom(...IF_MATCH), headerText(12))),
    fc.tuple(fc.constantFrom("x-fuzz", "accept", "accept-encoding", "x-forwarded-for", "cf-connecting-ip", "origin", "x-http-method-override", "x-tenant"), headerText(30)),
    ...extra,
  );
  return fc.array(one, { maxLength: 3 });
}

// ---------- requests ----------

type RouteSpec = {
  id: string;
  method: (typeof HTTP_METHODS)[number];
  path: (p: Parts) => string;
  query?: readonly string[];
  body?: (ctx: FuzzContext, p: Parts) => unknown;
};
type Parts = { name: string; flow: string; eventId: string; deliveryId: string; rawName: string; rawFlow: string; ghost: string; pick: number };

const T = (p: Parts) => `/v1/triggers/${p.name}`;

/** Every /v1 route of API.md that exists today. */
export const V1_ROUTES: RouteSpec[] = [
  { id: "trigger.put", method: "PUT", path: T, body: (ctx, p) => ctx.definitions[fixtureIndex(ctx, p.name) ?? p.pick % ctx.definitions.length] },
  { id: "trigger.get", method: "GET", path: T },
  { id: "trigger.list", method: "GET", path: () => "/v1/triggers", query: ["type", "status", "q", "subscribedBy", "limit", "cursor"] },
  { id: "trigger.retire", method: "POST", path: (p) => `${T(p)}/retire`, body: () => ({ reason: "fuzz" }) },
  { id: "trigger.reactivate", method: "POST", path: (p) => `${T(p)}/reactivate`, body: () => ({}) },
  { id: "trigger.stats", method: "GET", path: (p) => `${T(p)}/stats` },
  { id: "trigger.events", method: "GET", path: (p) => `${T(p)}/events`, query: ["after", "limit", "types", "cursor"] },
  { id: "fires.list", method: "GET", path: (p) => `${T(p)}/fires`, query: ["status", "limit", "cursor"] },
  { id: "fires.get", method: "GET", path: (p) => `${T(p)}/fires/${p.eventId}` },
  { id: "fires.replay", method: "POST", path: (p) => `${T(p)}/fires/${p.eventId}/replay`, body: (_c, p) => ({ flows: [p.rawFlow] }) },
  { id: "fires.skip", method: "POST", path: (p) => `${T(p)}/fires/${p.eventId}/skip`, body: () => ({ reason: "fuzz skip" }) },
  { id: "fire", method: "POST", path: (p) => `${T(p)}/fire`, body: (_c, p) => ({ data: { id: "fz-1", drop: false, n: 1 }, idempotencyKey: "fz-key", flows: [p.rawFlow] }) },
  { id: "events.batch", method: "POST", path: () => "/v1/events", body: (_c, p) => ({ events: [{ name: p.rawName, data: { id: "b" }, idempotencyKey: "fz-b" }, { name: p.ghost, data: null }] }) },
  { id: "sub.put", method: "PUT", path: (p) => `${T(p)}/subscriptions/${p.flow}`, body: (ctx) => ctx.subscription },
  { id: "sub.delete", method: "DELETE", path: (p) => `${T(p)}/subscriptions/${p.flow}` },
  { id: "pull.events", method: "GET", path: (p) => `${T(p)}/subscriptions/${p.flow}/events`, query: ["limit", "waitMs"] },
  { id: "pull.ack", method: "POST", path: (p) => `${T(p)}/subscriptions/${p.flow}/ack`, body: () => ({ seq: 1 }) },
  { id: "pull.reset", method: "POST", path: (p) => `${T(p)}/subscriptions/${p.flow}/reset`, body: () => ({ to: "now" }) },
  { id: "flow.subscriptions", method: "GET", path: (p) => `/v1/flows/${p.flow}/subscriptions`, query: ["limit", "cursor"] },
  { id: "delivery.status", method: "POST", path: (p) => `/v1/deliveries/${p.deliveryId}/status`, body: () => ({ status: "completed", output: { ok: true }, error: "none" }) },
  { id: "providers", method: "GET", path: () => "/v1/providers" },
  { id: "schedule.preview", method: "GET", path: (p) => `${T(p)}/schedule`, query: ["count"] },
  { id: "schedule.backfill", method: "POST", path: (p) => `${T(p)}/schedule/backfill`, body: () => ({ from: "2019-06-01T00:00:00Z", to: "2021-06-01T00:00:00Z" }) },
  { id: "v1.unknown", method: "GET", path: (p) => `/v1/${p.name}/${p.flow}` },
];

/** Which fixture a path segment names (definitions are aligned with names), if any. */
function fixtureIndex(ctx: FuzzContext, segment: string): number | null {
  let decoded = segment;
  try { decoded = decodeURIComponent(segment); } catch { /* raw */ }
  const i = ctx.names.indexOf(decoded);
  return i >= 0 && i < ctx.definitions.length ? i : null;
}

const b64url = (s: string) => btoa(String.fromCharCode(...new TextEncoder().encode(s))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

function partsArb(ctx: FuzzContext): fc.Arbitrary<Parts> {
  const idGarbage = fc.oneof(
    fc.constantFrom("evt_1_abcdefghij", "evt_zzzzzzzzzzz_abcdefghij", "whk_1_abcdefgh", "evt_", "whk_", "1", "0", "-1"),
    validName, unicodeText(12).map(encodeURIComponent),
  );
  const deliveryGarbage = fc.oneof(
    fc.tuple(fc.constantFrom(...ctx.names), fc.nat(40), fc.nat(3)).map(([n, s, i]) => `dlv_${b64url(n)}.${s.toString(36)}.${i.toString(36)}.abcdef`),
    fc.constantFrom(`dlv_${b64url("-bad")}.1.0.abcdef`, `dlv_${b64url("a/b")}.1.0.abcdef`, "dlv_.1.0.abcdef", "dlv_eA.zzzzzzzzzzz.zzzzzz.abcdef", "dlv_" + "A".repeat(300) + ".1.0.abcdef", "dlv_x"),
    validName, unicodeText(12).map(encodeURIComponent),
  );
  return fc.record({
    rawName: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...ctx.names) }, { weight: 2, arbitrary: fc.constantFrom(...GHOST_NAMES) }, { weight: 1, arbitrary: unicodeText(10) }),
    name: segment(ctx.names, fc.constantFrom(...GHOST_NAMES)),
    ghost: fc.constantFrom(...GHOST_NAMES),
    flow: segment(ctx.flows),
    rawFlow: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...ctx.flows) }, { weight: 2, arbitrary: validName }, { weight: 1, arbitrary: unicodeText(10) }),
    eventId: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...ctx.eventIds) }, { weight: 3, arbitrary: idGarbage }),
    deliveryId: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...ctx.deliveryIds) }, { weight: 4, arbitrary: deliveryGarbage }),
    pick: fc.nat(),
  });
}

const KEYS = fc.oneof(
  { weight: 14, arbitrary: fc.constant<string | null>("acme-key") },
  { weight: 2, arbitrary: fc.constantFrom<string | null>("acme-read", "acme-fire", "acme-write", "globex-key", null, "nope", "acme-key ", "ACME-KEY") },
);

/** A request against one of the /v1 routes (usually with its own method, sometimes another). */
export function v1Request(ctx: FuzzContext): fc.Arbitrary<FuzzRequest> {
  // Routes that take a body have the most input to get wrong: they are drawn three times as often.
  const route = fc.oneof(...V1_ROUTES.map((r) => ({ weight: r.body ? 3 : 1, arbitrary: fc.constant(r) })));
  return route.chain((route) =>
    partsArb(ctx).chain((parts) =>
      fc.record({
        method: fc.oneof({ weight: 5, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: fc.constantFrom(...HTTP_METHODS) }),
        query: queryString(route.query ?? [], ctx),
        headers: headerSet(),
        contentType,
        body: route.body ? rawBody(route.body(ctx, parts)) : fc.oneof({ weight: 4, arbitrary: fc.constant<RawBody>({ kind: "none" }) }, { weight: 1, arbitrary: rawBody({}) }),
        key: KEYS,
      }).map(({ method, query, headers, contentType: ct, body, key }): FuzzRequest => ({
        route: route.id,
        method,
        path: route.path(parts),
        query,
        headers: ct === null ? headers : [["content-type", ct], ...headers],
        body,
        key,
      })),
    ),
  );
}

const hexText = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(""));

/** Signature-looking headers of every preset, none of them valid. */
const signatureHeader: fc.Arbitrary<[string, string]> = fc.oneof(
  fc.tuple(fc.constantFrom("x-hub-signature-256", "X-Hub-Signature-256", "x-hub-signature"), fc.oneof(hexText(32).map((h) => `sha256=${h}`), fc.constantFrom("sha256=", "sha1=00", ""), headerText(20))),
  fc.tuple(fc.constant("stripe-signature"), fc.tuple(fc.integer({ min: 0, max: 2e9 }), hexText(32)).map(([t, h]) => `t=${t},v1=${h}`)),
  fc.tuple(fc.constantFrom("x-slack-signature", "x-slack-request-timestamp"), fc.oneof(hexText(32).map((h) => `v0=${h}`), intText(0, 2e9))),
  fc.tuple(fc.constantFrom("webhook-id", "webhook-timestamp", "webhook-signature"), fc.oneof(fc.constantFrom("v1,AAAA", "msg_1", "0"), headerText(30))),
  fc.tuple(fc.constantFrom("authorization", "x-api-key", "x-github-delivery", "x-kind"), headerText(30)),
);

/** A request to the public webhook ingress: known and unknown tenants and paths, any method. */
export function webhookRequest(ctx: FuzzContext): fc.Arbitrary<FuzzRequest> {
  const tenant = fc.oneof(
    { weight: 10, arbitrary: fc.constant(ctx.tenant) },
    { weight: 1, arbitrary: fc.constantFrom("globex", "ACME", "a_b", "-acme", "acme%2F", "%61cme", "x".repeat(70), "..", "acme%00") },
  );
  const path = fc.oneof(
    { weight: 10, arbitrary: fc.constantFrom(...ctx.webhookPaths) },
    { weight: 2, arbitrary: fc.stringMatching(/^[a-z0-9._-]{1,20}(\/[a-z0-9._-]{1,10}){0,2}$/) },
    { weight: 1, arbitrary: fc.constantFrom("..", "a/../b", "a//b", "a/./b", "%2e%2e", "A", "a%2Fb", "x".repeat(129), "a/", "/a", "é", "a b") },
    { weight: 1, arbitrary: fc.constantFrom(...ctx.webhookPaths).map((p) => `${p}/extra`) },
  );
  const body = fc.oneof(
    { weight: 6, arbitrary: rawBody({ id: "wh-1", kind: "created", nested: { v: [1, 2] } }) },
    { weight: 1, arbitrary: fc.constantFrom("id=1&kind=form", "plain text body", "").map((text): RawBody => ({ kind: "text", text, note: "non-json" })) },
    { weight: 1, arbitrary: fc.integer({ min: 4000, max: 70_000 }).map((n): RawBody => ({ kind: "text", text: JSON.stringify({ id: "big", pad: "x".repeat(n) }), note: `big ${n}` })) },
  );
  return fc.record({
    method: fc.oneof({ weight: 6, arbitrary: fc.constant("POST") }, { weight: 3, arbitrary: fc.constantFrom(...HTTP_METHODS) }),
    tenant,
    path,
    query: fc.oneof(fc.constant(""), fc.constantFrom("?k=1", "?signature=sha256%3D00", "?x-hub-signature-256=sha256%3D00", "?%zz", "?a=%"), queryString([], ctx)),
    headers: headerSet([signatureHeader, signatureHeader]),
    contentType,
    body,
  }).map(({ method, tenant: t, path: p, query, headers, contentType: ct, body: b }): FuzzRequest => ({
    route: "webhook",
    method,
    path: `/webhooks/${t}/${p}`,
    query,
    headers: ct === null ? headers : [["content-type", ct], ...headers],
    body: b,
    key: null,
  }));
}

/** A short description for failure messages. */
export function describeRequest(r: FuzzRequest): string {
  const body = r.body.kind === "none" ? "no body" : r.body.kind === "bytes" ? `${r.body.note} (${r.body.bytes.length} bytes)` : `${r.body.note}: ${r.body.text.length > 300 ? r.body.text.slice(0, 300) + `… (${r.body.text.length} chars)` : r.body.text}`;
  return `${r.method} ${r.path}${r.query} [${r.route}] key=${r.key} headers=${JSON.stringify(r.headers).slice(0, 300)} body=${body}`;
}
