#!/usr/bin/env node
// `npm run dev`: create .dev.vars from the example when missing, build the
// dashboard into dist/ (and keep rebuilding it on change), apply the local D1
// migrations, then start `wrangler dev` (extra args are passed on).
import { existsSync, copyFileSync, readFileSync, appendFileSync } from "node:fs";
import { spawnSync, spawn } from "node:child_process";

if (!existsSync(".dev.vars")) {
  copyFileSync(".dev.vars.example", ".dev.vars");
  console.log("created .dev.vars from .dev.vars.example (dev key for tenant 'default')");
} else if (!/^\s*ALLOW_PRIVATE_TARGETS\s*=/m.test(readFileSync(".dev.vars", "utf8"))) {
  // a .dev.vars from before the outbound-address policy: local receivers on 127.0.0.1 keep working
  appendFileSync(".dev.vars", "\n# local flows listen on 127.0.0.1 (docs/decisions.md, Outbound addresses)\nALLOW_PRIVATE_TARGETS=true\n");
  console.log("added ALLOW_PRIVATE_TARGETS=true to .dev.vars (local receivers on 127.0.0.1)");
}
const ui = spawnSync(process.execPath, ["scripts/build-ui.mjs"], { stdio: "inherit" });
if (ui.status !== 0) process.exit(ui.status ?? 1);
const migrate = spawnSync("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local"], { stdio: "inherit", env: { ...process.env, CI: "true" } });
if (migrate.status !== 0) process.exit(migrate.status ?? 1);
const watcher = spawn(process.execPath, ["scripts/build-ui.mjs", "--watch"], { stdio: "inherit" });
const dev = spawn("npx", ["wrangler", "dev", ...process.argv.slice(2)], { stdio: "inherit" });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => (dev.kill(sig), watcher.kill(sig)));
dev.on("exit", (code) => (watcher.kill(), process.exit(code ?? 0)));
