/**
 * A scriptable poll source (plain Node http), for the workerd tests (mounted
 * in test/receiver.ts), the e2e tests and the poll benchmark. Each source has
 * an id and a script:
 *
 *   POST /provider/<id>/script   {items?, append?, status?, retryAfter?, delayMs?, once?, cursor?, wrap?, raw?, bigBytes?}
 *     items      replaces the items; append adds to them
 *     status     every answer has this status (until set to null)
 *     once       answers used one by one before the normal one: [{status, retryAfter?, delayMs?, body?}]
 *     delayMs    every answer waits this long
 *     cursor     {param, pageSize}: answers items whose `seq` is after the `param` query value, pageSize at most, with `next`
 *     wrap       "items" (default: {"items": [...]}) or "none" (the array itself)
 *     raw        answers this text as it is (e.g. not JSON)
 *     bigBytes   answers a JSON body of about this many bytes
 *   GET  /provider/<id>/requests  the polls received: [{method, query, headers, at}]
 *   ANY  /provider/<id>           the poll
 */

export function createProvider() {
  const sources = new Map();
  const source = (id) => {
    if (!sources.has(id)) sources.set(id, { script: { items: [], once: [] }, requests: [] });
    return sources.get(id);
  };
  const json = (res, status, body, headers = {}) => {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(text);
  };

  function answer(s, url, res) {
    const sc = s.script;
    const send = (status, body, headers, delayMs) => (delayMs ? setTimeout(() => json(res, status, body, headers), delayMs) : json(res, status, body, headers));
    if (sc.once?.length) {
      const o = sc.once.shift();
      return send(o.status, o.body ?? { status: o.status }, o.retryAfter !== undefined ? { "retry-after": String(o.retryAfter) } : {}, o.delayMs ?? sc.delayMs);
    }
    if (typeof sc.status === "number") return send(sc.status, { status: sc.status }, sc.retryAfter !== undefined ? { "retry-after": String(sc.retryAfter) } : {}, sc.delayMs);
    if (typeof sc.raw === "string") return send(200, sc.raw, {}, sc.delayMs);
    if (sc.bigBytes) return send(200, { items: [], pad: "x".repeat(sc.bigBytes) }, {}, sc.delayMs);
    let items = sc.items ?? [];
    let extra = {};
    if (sc.cursor) {
      const since = Number(url.searchParams.get(sc.cursor.param ?? "since") ?? 0);
      items = items.filter((i) => Number(i.seq) > since).slice(0, sc.cursor.pageSize ?? 1000);
      extra = { next: items.length ? Number(items[items.length - 1].seq) : since };
    }
    return send(200, sc.wrap === "none" ? items : { items, ...extra }, {}, sc.delayMs);
  }

  /** Handles a request under /provider/; answers false for any other path. */
  function handle(req, res, url, body) {
    const m = /^\/provider\/([^/]+)(\/script|\/requests)?$/.exec(url.pathname);
    if (!m) return false;
    const s = source(m[1]);
    if (m[2] === "/script") {
      const p = body ? JSON.parse(body) : {};
      const sc = s.script;
      if (p.items !== undefined) sc.items = p.items;
      if (p.append) sc.items = [...(sc.items ?? []), ...p.append];
      for (const k of ["status", "retryAfter", "delayMs", "cursor", "wrap", "raw", "bigBytes"]) if (k in p) sc[k] = p[k];
      if (p.once) sc.once = [...(sc.once ?? []), ...p.once];
      json(res, 200, { ok: true });
      return true;
    }
    if (m[2] === "/requests") {
      json(res, 200, s.requests);
      return true;
    }
    s.requests.push({ method: req.method, query: Object.fromEntries(url.searchParams), headers: req.headers, at: Date.now() });
    answer(s, url, res);
    return true;
  }

  return { handle, sources };
}

/** A provider on its own server on 127.0.0.1 (e2e tests, benchmarks). */
export async function startProvider() {
  const { createServer } = await import("node:http");
  const provider = createProvider();
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://x");
      if (!provider.handle(req, res, url, Buffer.concat(chunks).toString("utf8"))) res.writeHead(404).end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise((ok, fail) => server.once("error", fail).listen(0, "127.0.0.1", ok));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`, port, provider,
    close: () => new Promise((ok) => { server.closeAllConnections?.(); server.close(() => ok()); }),
  };
}
