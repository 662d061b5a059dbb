/**
 * 405 for a known path asked with another method, with `Allow` listing the
 * path's methods; unknown paths stay 404. The method table is derived from
 * the app's registered routes (`app.routes`) on first use, so it can never
 * drift from what is mounted. Routes registered for every method (`all`,
 * middleware) are left out: they answer for themselves (webhooks, /v1/*).
 */
import type { Context, Hono } from "hono";
import { AppError } from "../errors";

type RouteLike = { method: string; path: string };
type PathMethods = { re: RegExp; methods: Set<string> };

/**
 * A Hono route path as a regular expression over whole pathnames:
 * `:name` is one segment, `:name{re}` is `re`, `*` is anything.
 * @example routeRegExp("/v1/triggers/:name/fire").test("/v1/triggers/x/fire") // true
 * @internal (exported for tests)
 */
export function routeRegExp(path: string): RegExp {
  let out = "";
  for (let i = 0; i < path.length; ) {
    const ch = path[i];
    if (ch === ":") {
      const m = /^:[A-Za-z0-9_]+(\{((?:[^{}]|\{[^{}]*\})*)\})?(\?)?/.exec(path.slice(i))!;
      out += m[2] !== undefined ? `(?:${m[2]})` : "[^/]+";
      if (m[3]) out += "?";
      i += m[0].length;
    } else if (ch === "*") {
      out += ".*";
      i++;
    } else {
      out += ch.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
      i++;
    }
  }
  return new RegExp(`^${out}/?$`);
}

/**
 * Groups routes by path: each path's regular expression and its methods
 * (HEAD with GET, as Hono answers HEAD from a GET route).
 * @example methodTable([{ method: "GET", path: "/a" }, { method: "PUT", path: "/a" }])[0].methods // Set {"GET", "PUT", "HEAD"}
 * @internal (exported for tests)
 */
export function methodTable(routes: readonly RouteLike[]): PathMethods[] {
  const byPath = new Map<string, Set<string>>();
  for (const r of routes) {
    const method = r.method.toUpperCase();
    if (method === "ALL") continue;
    const set = byPath.get(r.path) ?? new Set<string>();
    set.add(method);
    if (method === "GET") set.add("HEAD");
    byPath.set(r.path, set);
  }
  return [...byPath].map(([path, methods]) => ({ re: routeRegExp(path), methods }));
}

/**
 * The methods a pathname answers to (empty: unknown path).
 * @internal (exported for tests)
 */
export function allowedMethods(table: PathMethods[], pathname: string): string[] {
  const out = new Set<string>();
  for (const p of table) if (p.re.test(pathname)) for (const m of p.methods) out.add(m);
  const order = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
  return [...out].sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
}

/**
 * The app's not-found handler: 405 with `Allow` when the path is known
 * under other methods, else 404, both in the error envelope.
 */
export function notFoundOrMethodNotAllowed(app: Pick<Hono<any, any, any>, "routes">) {
  let table: PathMethods[] | null = null;
  return function notFoundOrMethodNotAllowed(c: Context<any, any, any>) {
    table ??= methodTable(app.routes);
    const pathname = new URL(c.req.url).pathname;
    const allow = allowedMethods(table, pathname);
    if (allow.length && !allow.includes(c.req.method)) {
      const e = new AppError(405, "method_not_allowed", `${c.req.method} is not allowed on ${pathname}; use ${allow.join(", ")}`, { allow }, { Allow: allow.join(", ") });
      for (const [k, v] of Object.entries(e.headers ?? {})) c.header(k, v);
      return c.json(e.toJSON(), 405);
    }
    return c.json({ error: { code: "not_found", message: `No route for ${c.req.method} ${pathname}` } }, 404);
  };
}
