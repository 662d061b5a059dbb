#!/usr/bin/env node
/**
 * Builds what the package exports into lib/ (not committed; `prepare` runs
 * this on npm install, on a git install and before npm pack):
 *  - lib/index.js: the client, errors, defineTrigger, verifyDelivery (ESM, any runtime with fetch)
 *  - lib/verify-delivery.js: the verifier alone (no dependencies)
 *  - lib/cli.js: the CLI behind bin/signalbox.mjs (Node ≥ 20)
 *  - lib/types/: declarations (tsc), with the generated client/schema.d.ts beside them
 * The package's own dependencies stay imports; everything else is bundled.
 */
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
const OUT = join(ROOT, "lib");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const external = [...Object.keys(pkg.dependencies ?? {}), "esbuild"];

rmSync(OUT, { recursive: true, force: true });
const common = { bundle: true, format: "esm", target: "es2022", external, logLevel: "warning", legalComments: "none" };
await build({ ...common, entryPoints: { index: join(ROOT, "client/index.ts"), "verify-delivery": join(ROOT, "src/receiver/verify-delivery.ts") }, outdir: OUT, platform: "neutral" });
await build({
  ...common,
  entryPoints: { cli: join(ROOT, "src/cli/main.ts") },
  outdir: OUT,
  platform: "node",
  // the CLI's own import of the package resolves to lib/index.js at run time
  plugins: [{ name: "self", setup: (b) => b.onResolve({ filter: /^signalbox$/ }, () => ({ path: "./index.js", external: true })) }],
});

const tsconfig = join(OUT, "tsconfig.types.json");
mkdirSync(OUT, { recursive: true });
writeFileSync(tsconfig, JSON.stringify({
  extends: "../tsconfig.json",
  compilerOptions: { noEmit: false, declaration: true, emitDeclarationOnly: true, outDir: "types", rootDir: "..", types: ["@cloudflare/workers-types"] },
  include: [], files: ["../client/index.ts", "../src/receiver/verify-delivery.ts"],
}));
const tsc = spawnSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", tsconfig], { stdio: "inherit" });
rmSync(tsconfig);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
copyFileSync(join(ROOT, "client/schema.d.ts"), join(OUT, "types/client/schema.d.ts"));
console.log("build-package: lib/ (index.js, verify-delivery.js, cli.js, types/)");
