/**
 * GET /docs: the API reference (Scalar), working offline. The page, its
 * start-up script and the Scalar bundle (copied from the npm package into
 * dist/docs/ by scripts/build-ui.mjs) all come from this origin; the CSP says
 * so to the browser. /docs/* always reaches the Worker (wrangler.toml
 * run_worker_first), which hands the bundle over from the static assets.
 */
import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { AppError } from "../errors";

export const docs = new Hono<AppEnv>();

const DOCS_SCRIPT = "/docs/scalar.js";
const INIT_SCRIPT = "/docs/init.js";

const CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "connect-src 'self'",
  "img-src 'self' data: blob:", "font-src 'self' data:", "worker-src 'self' blob:", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join("; ");

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Signalbox API</title>
<link rel="icon" href="data:,">
</head>
<body>
<div id="api-reference" data-url="/openapi.json"></div>
<script src="${DOCS_SCRIPT}"></script>
<script src="${INIT_SCRIPT}"></script>
</body>
</html>
`;

// No fonts (build-ui.mjs rewrites the bundle's @font-face to local fonts), proxy, telemetry or
// developer tools (Share uploads the document to Scalar): everything stays on this origin.
const INIT = `Scalar.createApiReference("#api-reference", {
  url: "/openapi.json", withDefaultFonts: false, hideClientButton: false, telemetry: false,
  hideDownloadButton: false, metaData: { title: "Signalbox API" }, theme: "default", showDeveloperTools: "never",
  customCss: ":root, .light-mode, .dark-mode { --scalar-font: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; --scalar-font-code: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }"
});
`;

const headers = { "content-security-policy": CSP, "x-content-type-options": "nosniff", "referrer-policy": "no-referrer" };

docs.get("/docs", function docsPage(c) {
  return c.html(PAGE, 200, headers);
});

docs.get(INIT_SCRIPT, function docsInit(c) {
  return c.body(INIT, 200, { ...headers, "content-type": "text/javascript; charset=utf-8", "cache-control": "no-cache" });
});

docs.get(DOCS_SCRIPT, async function docsBundle(c) {
  const assets = c.env.ASSETS;
  if (!assets) throw new AppError(503, "docs_not_built", "The API reference's assets are not deployed (run npm run build:ui)");
  const res = await assets.fetch(new Request(new URL(DOCS_SCRIPT, c.req.url), { headers: c.req.raw.headers }));
  if (res.status === 404) throw new AppError(503, "docs_not_built", "The API reference's assets are not deployed (run npm run build:ui)");
  const out = new Response(res.body, res);
  out.headers.set("x-content-type-options", "nosniff");
  return out;
});
