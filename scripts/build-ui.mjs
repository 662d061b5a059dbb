#!/usr/bin/env node
/**
 * Builds the dashboard (ui/) into dist/, which wrangler.toml serves as
 * Workers static assets: esbuild bundles ui/main.tsx (Preact) and its CSS,
 * ui/public/ is copied as is (index.html, _headers with the CSP, favicon).
 * The API reference's script (Scalar's standalone bundle, from its npm
 * package) goes to dist/docs/, served by the Worker at /docs/ (not part of
 * the dashboard, so not counted in its budget).
 * Prints the gzipped size and fails above the budget. `--watch` rebuilds on
 * every change (wrangler dev picks the new files up by itself). `--quiet`
 * prints only problems (npm run dev).
 */
import { build, context } from "esbuild";
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
const OUT = join(ROOT, "dist");
const DOCS_OUT = join(OUT, "docs");
const BUDGET_BYTES = 150 * 1024;
const watch = process.argv.includes("--watch");
const quiet = process.argv.includes("--quiet");

/** @type {import("esbuild").BuildOptions} */
const options = {
  entryPoints: { app: join(ROOT, "ui/main.tsx") },
  outdir: OUT,
  bundle: true,
  minify: !watch,
  sourcemap: watch ? "inline" : false,
  format: "esm",
  target: "es2022",
  jsx: "automatic",
  jsxImportSource: "preact",
  legalComments: "none",
  logLevel: "warning",
  define: { "process.env.NODE_ENV": watch ? '"development"' : '"production"' },
};

/** Sums the gzipped size of every file under dist/ that a browser loads (not _headers). */
function gzippedSize(dir) {
  if (dir === DOCS_OUT) return { total: 0, rows: [] };
  let total = 0;
  const rows = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      total += gzippedSize(p).total;
      continue;
    }
    if (name === "_headers") continue;
    const gz = gzipSync(readFileSync(p), { level: 9 }).length;
    rows.push(`${name} ${gz} B`);
    total += gz;
  }
  return { total, rows };
}

function copyPublic() {
  cpSync(join(ROOT, "ui/public"), OUT, { recursive: true });
  mkdirSync(DOCS_OUT, { recursive: true });
  const scalar = readFileSync(join(ROOT, "node_modules/@scalar/api-reference/dist/browser/standalone.js"), "utf8");
  // Its @font-face rules load fonts from Scalar's own host: use the local fonts instead, so the page needs no other origin.
  writeFileSync(join(DOCS_OUT, "scalar.js"), scalar.replace(/url\(https:\/\/fonts\.scalar\.com\/[A-Za-z0-9._-]+\)( format\("woff2"\))?/g, "local(system-ui)"));
}

if (watch) {
  mkdirSync(OUT, { recursive: true });
  copyPublic();
  const ctx = await context({ ...options, plugins: [{ name: "copy-public", setup: (b) => b.onEnd(copyPublic) }] });
  await ctx.watch();
  if (!quiet) console.log("build-ui: watching ui/ (dist/ is rebuilt on change)");
} else {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  await build(options);
  copyPublic();
  const { total, rows } = gzippedSize(OUT);
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  if (!quiet) console.log(`build-ui: dist/ ${kb(total)} gzipped (${rows.join(", ")}); budget ${kb(BUDGET_BYTES)}`);
  if (total > BUDGET_BYTES) {
    console.error(`build-ui: the dashboard is ${kb(total)} gzipped, over the ${kb(BUDGET_BYTES)} budget`);
    process.exit(1);
  }
}
