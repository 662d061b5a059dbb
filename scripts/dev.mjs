#!/usr/bin/env node
// `npm run dev`: create .dev.vars from the example when missing, build the
// dashboard into dist/ (and keep rebuilding it on change), apply the local D1
// migrations (one summary line), then start `wrangler dev` and show the URL,
// the dev key and what the Worker logs: one line per request, fire and
// delivery attempt (scripts/lib/dev-output.mjs filters the rest; `--verbose`
// shows all of it). Other args go to wrangler dev; `--persist-to` to the
// migrations too.
import { existsSync, copyFileSync, readFileSync, appendFileSync } from "node:fs";
import { spawnSync, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { devKeysLine, keepLine, migrationsSummary, readyUrl } from "./lib/dev-output.mjs";

const args = process.argv.slice(2);
const verbose = args.includes("--verbose");
const wranglerArgs = args.filter((a) => a !== "--verbose");
const persistAt = wranglerArgs.indexOf("--persist-to");
const persist = persistAt >= 0 ? ["--persist-to", wranglerArgs[persistAt + 1]] : [];
// no Request.cf download (the Worker reads no cf fields; offline it printed ENOTFOUND traces), no prompts
const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", CI: "true" };
const wrangler = ["node_modules/wrangler/bin/wrangler.js"];

if (!existsSync(".dev.vars")) {
  copyFileSync(".dev.vars.example", ".dev.vars");
  console.log("created .dev.vars from .dev.vars.example (dev key for tenant 'default')");
} else if (!/^\s*ALLOW_PRIVATE_TARGETS\s*=/m.test(readFileSync(".dev.vars", "utf8"))) {
  // a .dev.vars from before the outbound-address policy: local receivers on 127.0.0.1 keep working
  appendFileSync(".dev.vars", "\n# local flows listen on 127.0.0.1 (docs/decisions.md, Outbound addresses)\nALLOW_PRIVATE_TARGETS=true\n");
  console.log("added ALLOW_PRIVATE_TARGETS=true to .dev.vars (local receivers on 127.0.0.1)");
}
const ui = spawnSync(process.execPath, ["scripts/build-ui.mjs", "--quiet"], { stdio: "inherit" });
if (ui.status !== 0) process.exit(ui.status ?? 1);

const migrate = spawnSync(process.execPath, [...wrangler, "d1", "migrations", "apply", "DB", "--local", ...persist], { env, encoding: "utf8" });
const summary = migrationsSummary(`${migrate.stdout}${migrate.stderr}`, migrate.status);
if (summary === null || verbose) process.stdout.write(`${migrate.stdout}${migrate.stderr}`);
if (summary === null) process.exit(migrate.status ?? 1);
console.log(summary);

const watcher = spawn(process.execPath, ["scripts/build-ui.mjs", "--watch", "--quiet"], { stdio: "inherit" });
const dev = spawn(process.execPath, [...wrangler, "dev", "--show-interactive-dev-session=false", ...wranglerArgs], { env, stdio: ["inherit", "pipe", "pipe"] });
const keys = devKeysLine(existsSync(".dev.vars") ? readFileSync(".dev.vars", "utf8") : "");
for (const [from, to] of [[dev.stdout, process.stdout], [dev.stderr, process.stderr]]) {
  createInterface({ input: from, crlfDelay: Infinity }).on("line", (line) => {
    const url = readyUrl(line);
    if (url) return void console.log(`Signalbox on ${url}  (dashboard ${url}/, API ${url}/v1, reference ${url}/docs)\n${keys}`);
    if (verbose || keepLine(line)) to.write(`${line}\n`);
  });
}
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => (dev.kill(sig), watcher.kill(sig)));
dev.on("exit", (code) => (watcher.kill(), process.exit(code ?? 0)));
