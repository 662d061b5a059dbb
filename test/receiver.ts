/**
 * A scriptable flow endpoint (plain Node http) started by vitest's globalSetup
 * and by the e2e tests: it records every request and answers by mode:
 *   /hook/ok/…           200
 *   /hook/fail-once/…    500 the first time a webhook-id is seen, then 200
 *   /hook/always-500/…   500
 *   /hook/bad-request/…  400
 *   /hook/retry-after/…  429 with Retry-After: 1 the first time, then 200
 *   /hook/slow/…         the first time waits 1.5 s before 200, then 200
 *   /hook/redirect/…     302 to /hook/ok (must not be followed)
 *   /hook/switch/<id>/…  the status set by POST /switch/<id> {"status": n, "retryAfter": s} (default 500)
 *   /hook/delay/<ms>/…   200 after <ms>
 *   /hook/endless/…      200 at once, then a body that trickles (a chunk every 50 ms) for 20 s or until the client goes
 * GET /log?contains=x lists recorded requests whose path contains x;
 * GET /concurrency?contains=x the most requests of such paths open at once.
 * /provider/… is a scriptable poll source (test/lib/poll-provider.mjs).
 */
import http from "node:http";
// @ts-expect-error plain JS module shared with the e2e tests and benchmarks
import { createProvider } from "./lib/poll-provider.mjs";

export type Received = { path: string; headers: Record<string, string>; body: string; at: number };

export function startReceiver(port = 0): Promise<{ port: number; close: () => Promise<void>; log: Received[] }> {
  const log: Received[] = [];
  const seen = new Map<string, number>();
  const switches = new Map<string, { status: number; retryAfter?: number }>();
  const open = new Map<string, number>();
  const peak = new Map<string, number>();
  const provider = createProvider();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const url = new URL(req.url ?? "/", "http://x");
      if (provider.handle(req, res, url, body)) return;
      const reply = (status: number, headers: Record<string, string> = {}) => {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(JSON.stringify({ status }));
      };
      if (req.method === "GET" && url.pathname === "/log") {
        const c = url.searchParams.get("contains") ?? "";
        res.writeHead(200, { "content-type": "application/json" });
        return res.end(JSON.stringify(log.filter((r) => r.path.includes(c))));
      }
      if (req.method === "POST" && url.pathname.startsWith("/switch/")) {
        switches.set(url.pathname.slice(8), JSON.parse(body));
        return reply(200);
      }
      if (req.method === "GET" && url.pathname === "/concurrency") {
        const c = url.searchParams.get("contains") ?? "";
        res.writeHead(200, { "content-type": "application/json" });
        return res.end(JSON.stringify({ max: Math.max(0, ...[...peak].filter(([p]) => p.includes(c)).map(([, n]) => n)) }));
      }
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      log.push({ path: url.pathname, headers, body, at: Date.now() });
      const id = headers["webhook-id"] ?? "";
      const count = (seen.get(id) ?? 0) + 1;
      seen.set(id, count);
      const mode = url.pathname.split("/")[2];
      switch (mode) {
        case "ok": return reply(200);
        case "fail-once": return reply(count === 1 ? 500 : 200);
        case "always-500": return reply(500);
        case "bad-request": return reply(400);
        case "retry-after": return count === 1 ? reply(429, { "retry-after": "1" }) : reply(200);
        case "slow": return count === 1 ? void setTimeout(() => reply(200), 1500) : reply(200);
        case "redirect": return reply(302, { location: "/hook/ok/redirected" });
        case "switch": {
          const sw = switches.get(url.pathname.split("/")[3]) ?? { status: 500 };
          return reply(sw.status, sw.retryAfter !== undefined ? { "retry-after": String(sw.retryAfter) } : {});
        }
        case "delay": {
          const key = url.pathname.split("/").slice(0, 5).join("/");
          open.set(key, (open.get(key) ?? 0) + 1);
          peak.set(key, Math.max(peak.get(key) ?? 0, open.get(key)!));
          return void setTimeout(() => (open.set(key, open.get(key)! - 1), reply(200)), Number(url.pathname.split("/")[3]));
        }
        case "endless": {
          res.writeHead(200, { "content-type": "text/plain" });
          const tick = setInterval(() => res.write("still answering\n"), 50);
          const stop = () => (clearInterval(tick), res.end());
          const cap = setTimeout(stop, 20_000);
          res.on("close", () => (clearInterval(tick), clearTimeout(cap)));
          return;
        }
        default: return reply(404);
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(port, "127.0.0.1", () => {
      const addr = server.address() as { port: number };
      resolve({ port: addr.port, log, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}
