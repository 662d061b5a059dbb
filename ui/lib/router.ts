/**
 * Hash routes of the dashboard: every view has a shareable URL
 * (`#/triggers/<name>/fires/<eventId>` …). The API key is never part of one.
 * Pure: parse a hash into a Route, build a hash from one.
 */

export type Query = Record<string, string>;

export type Route =
  | { view: "home"; query: Query }
  | { view: "triggers"; query: Query }
  | { view: "trigger"; name: string }
  | { view: "fires"; name: string; status: string; cursor: string }
  | { view: "fire"; name: string; eventId: string; delivery: string }
  | { view: "fire-form"; name: string }
  | { view: "live"; name: string }
  | { view: "search"; id: string }
  | { view: "runs"; status: string; cursor: string }
  | { view: "awaits"; runId: string }
  | { view: "flows"; query: Query }
  | { view: "flow"; flow: string; after: string }
  | { view: "not-found"; path: string };

function decode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

function queryOf(s: string): Query {
  const out: Query = {};
  for (const [k, v] of new URLSearchParams(s)) if (v !== "") out[k] = v;
  return out;
}

/**
 * @example parseHash("#/triggers/order.placed/fires?status=dead") // { view: "fires", name: "order.placed", status: "dead", cursor: "" }
 * @example parseHash("#/?status=dead") // { view: "home", query: { status: "dead" } }
 */
export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, "");
  const qAt = raw.indexOf("?");
  const path = qAt < 0 ? raw : raw.slice(0, qAt);
  const query = queryOf(qAt < 0 ? "" : raw.slice(qAt + 1));
  const parts = path.split("/").filter((p) => p !== "").map(decode);
  if (parts.some((p) => p === null)) return { view: "not-found", path };
  const seg = parts as string[];
  if (seg.length === 0) return { view: "home", query };
  if (seg.length === 1 && seg[0] === "triggers") return { view: "triggers", query };
  if (seg[0] === "triggers" && seg.length >= 2) {
    const name = seg[1];
    if (seg.length === 2) return { view: "trigger", name };
    if (seg.length === 3 && seg[2] === "fires") return { view: "fires", name, status: query.status ?? "", cursor: query.cursor ?? "" };
    if (seg.length === 4 && seg[2] === "fires") return { view: "fire", name, eventId: seg[3], delivery: query.delivery ?? "" };
    if (seg.length === 3 && seg[2] === "fire") return { view: "fire-form", name };
    if (seg.length === 3 && seg[2] === "live") return { view: "live", name };
  }
  if (seg[0] === "flows" && seg.length === 1) return { view: "flows", query };
  if (seg[0] === "flows" && seg.length === 2) return { view: "flow", flow: seg[1], after: query.after ?? "" };
  if (seg[0] === "search" && seg.length === 1) return { view: "search", id: query.id ?? "" };
  if (seg[0] === "runs" && seg.length === 2) return { view: "awaits", runId: seg[1] };
  if (seg[0] === "runs" && seg.length === 1) {
    return query.run ? { view: "awaits", runId: query.run } : { view: "runs", status: query.status ?? "waiting", cursor: query.cursor ?? "" };
  }
  return { view: "not-found", path };
}

function withQuery(path: string, query: Record<string, string | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== "") q.set(k, v);
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

const e = encodeURIComponent;

/** Hash links for each view. */
export const href = {
  /** the home page: the fire feed, its filters in the URL */
  home: (query: Record<string, string | undefined> = {}) => withQuery("#/", query),
  triggers: (query: Record<string, string | undefined> = {}) => withQuery("#/triggers", query),
  trigger: (name: string) => `#/triggers/${e(name)}`,
  fires: (name: string, status = "", cursor = "") => withQuery(`#/triggers/${e(name)}/fires`, { status, cursor }),
  fire: (name: string, eventId: string, delivery = "") => withQuery(`#/triggers/${e(name)}/fires/${e(eventId)}`, { delivery }),
  fireForm: (name: string) => `#/triggers/${e(name)}/fire`,
  live: (name: string) => `#/triggers/${e(name)}/live`,
  search: (id = "") => withQuery("#/search", { id }),
  awaits: (runId: string) => `#/runs/${e(runId)}`,
  /** the flows, `cursor` and `prev` (the cursors of the pages before, for "← Back") in the URL */
  flows: (query: Record<string, string | undefined> = {}) => withQuery("#/flows", query),
  /** one flow; `after` pages its activity log */
  flow: (flow: string, after = "") => withQuery(`#/flows/${e(flow)}`, { after }),
  runs: (status = "waiting", cursor = "") => withQuery("#/runs", { status: status === "waiting" ? "" : status, cursor }),
};
