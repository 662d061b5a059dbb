#!/usr/bin/env node
// `npm run dev`: create .dev.vars from the example when missing, build the
// dashboard into dist/ (and keep rebuilding it on change), apply the local D1
// migrations, then start `wrangler dev` (extra args are passed on).
import { existsSync, copyFileSync } from "node:fs";
import { spawnSync, spawn } from "node:child_process";

if (!existsSync(".dev.vars")) {
  copyFileSync(".dev.vars.example", ".dev.vars");
  console.log("created .dev.vars from .dev.vars.example (dev key for tenant 'default')");
}
const ui = spawnSync(process.execPath, ["scripts/build-ui.mjs"], { stdio: "inherit" });
if (ui.status !== 0) process.exit(ui.status ?? 1);
const migrate = spawnSync("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local"], { stdio: "inherit", env: { ...process.env, CI: "true" } });
if (migrate.status !== 0) process.exit(migrate.status ?? 1);
const watcher = spawn(process.execPath, ["scripts/build-ui.mjs", "--watch"], { stdio: "inherit" });
const dev = spawn("npx", ["wrangler", "dev", ...process.argv.slice(2)], { stdio: "inherit" });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => (dev.kill(sig), watcher.kill(sig)));
dev.on("exit", (code) => (watcher.kill(), process.exit(code ?? 0)));
