#!/usr/bin/env node
/**
 * `npx signalbox …`: runs the CLI built into lib/cli.js (by `npm run
 * build:package`, which `prepare` runs on install). In a checkout without
 * lib/ yet, it builds it once first when esbuild is there.
 */
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const cli = new URL("../lib/cli.js", import.meta.url);
const builder = new URL("../scripts/build-package.mjs", import.meta.url);
if (!existsSync(fileURLToPath(cli)) && existsSync(fileURLToPath(builder))) {
  const r = spawnSync(process.execPath, [fileURLToPath(builder)], { stdio: ["ignore", "ignore", "inherit"] });
  if (r.status !== 0) {
    process.stderr.write("signalbox: lib/ is not built and building it failed (npm run build:package)\n");
    process.exit(1);
  }
}
const { run } = await import(cli.href);
process.exitCode = await run(process.argv.slice(2));
