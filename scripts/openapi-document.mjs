#!/usr/bin/env node
/**
 * Builds the OpenAPI document without wrangler: esbuild bundles src/app.ts
 * for Node (the `cloudflare:*` modules a Worker imports are stubbed: the
 * document needs no binding), and the app answers GET /openapi.json.
 * `node scripts/openapi-document.mjs` prints it; `buildDocument()` is what
 * gen-client and the tests use.
 */
import { build } from "esbuild";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));

const stubCloudflare = {
  name: "stub-cloudflare",
  setup(b) {
    b.onResolve({ filter: /^cloudflare:/ }, (args) => ({ path: args.path, namespace: "cf-stub" }));
    b.onLoad({ filter: /.*/, namespace: "cf-stub" }, () => ({
      contents: "export class DurableObject {} export class WorkerEntrypoint {} export const env = {};",
      loader: "js",
    }));
  },
};

/** The app's OpenAPI document, as the Worker serves it at /openapi.json. */
export async function buildDocument() {
  const out = await build({
    stdin: { contents: 'export { createApp } from "./src/app.ts";', resolveDir: ROOT, loader: "ts" },
    bundle: true,
    platform: "node",
    format: "esm",
    write: false,
    logLevel: "silent",
    plugins: [stubCloudflare],
  });
  const dir = await mkdtemp(join(tmpdir(), "signalbox-openapi-"));
  try {
    const file = join(dir, "app.mjs");
    await writeFile(file, out.outputFiles[0].text);
    const { createApp } = await import(pathToFileURL(file).href);
    // the app logs each request as a JSON line: keep it off stdout, where the document goes
    const log = console.log;
    console.log = () => {};
    let res;
    try {
      res = await createApp().request("http://signalbox.local/openapi.json");
    } finally {
      console.log = log;
    }
    if (res.status !== 200) throw new Error(`GET /openapi.json answered ${res.status}`);
    return await res.json();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.stdout.write(JSON.stringify(await buildDocument(), null, 2) + "\n");
}
