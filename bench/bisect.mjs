#!/usr/bin/env node
/**
 * `node bench/bisect.mjs [count=40] [--from <rev>] [--step k] [--commits a,b,…]`:
 * the delivery and ingest ratios at each of the last `count` commits of main
 * (first parent; with --step every k-th of them and the newest; --commits
 * measures just those, e.g. the commits inside the largest jump), each
 * measured beside the runner's ceiling in the same run, so a regression can
 * be pinned to the commit that brought it.
 *
 * For each commit: a detached worktree under bench/.tmp/bisect/ (sharing this
 * checkout's node_modules through the harness's snapshot), then
 *   delivery: 300 fires at concurrency 16 to one http subscriber, fire → POST
 *             received p50, beside the bare Worker (route → DO insert → queue → POST);
 *   ingest:   signed 2 KB GitHub webhooks for 5 s at concurrency 32, req/s,
 *             beside the bare Worker storing the same body in one DO.
 * Prints a table and writes it into bench/RESULTS.md (section "bisect").
 * Everything is loopback; one wrangler dev at a time.
 */
import { execFileSync } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as h from "../test/e2e/lib/wrangler.mjs";
import { runLoad } from "./lib/measure.mjs";
import { fireToArrival, startCeiling } from "./lib/ceiling.mjs";
import { runFor } from "./lib/stream.mjs";

const args = process.argv.slice(2);
const COUNT = Number(args.find((a) => /^\d+$/.test(a)) ?? 40);
const FROM = args.includes("--from") ? args[args.indexOf("--from") + 1] : "HEAD";
const STEP = args.includes("--step") ? Number(args[args.indexOf("--step") + 1]) : 1;
const ONLY = args.includes("--commits") ? args[args.indexOf("--commits") + 1].split(",") : null;
const FIRES = 300;
const INGEST_SECONDS = 5;
const TMP = join(h.REPO_ROOT, "bench", ".tmp", "bisect");
const SECRET = "bisect-github-secret-0123456789";

const git = (...a) => execFileSync("git", a, { cwd: h.REPO_ROOT, encoding: "utf8" }).trim();

function body(i) {
  const base = JSON.stringify({ ref: "refs/heads/main", bench: { i, id: randomUUID() } });
  return JSON.stringify({ ref: "refs/heads/main", bench: { i, id: randomUUID() }, padding: "x".repeat(Math.max(0, 2048 - base.length - 14)) });
}

async function measureCommit(sha, receiver, arrived) {
  const dir = join(TMP, sha.slice(0, 10));
  if (!existsSync(dir)) git("worktree", "add", "--detach", dir, sha);
  // the dashboard plays no part here: this checkout's build is copied, not rebuilt per commit
  if (!existsSync(join(dir, "dist", "index.html"))) cpSync(join(h.REPO_ROOT, "dist"), join(dir, "dist"), { recursive: true });
  const out = { sha };
  // the ceiling, in the same run
  const ceiling = await startCeiling(h);
  try {
    const post = (path) => async (i) => {
      const res = await fetch(`${ceiling.baseUrl}${path}?to=${encodeURIComponent(`${receiver.url}/hook`)}`, { method: "POST", body: JSON.stringify({ data: { i } }) });
      return (await res.json()).id;
    };
    await fireToArrival({ count: 100, concurrency: 16, send: post("/fire"), arrived });
    out.ceilingP50 = (await fireToArrival({ count: FIRES, concurrency: 16, send: post("/fire"), arrived })).p50;
    const ingest = async (i) => (await fetch(`${ceiling.baseUrl}/ingest`, { method: "POST", body: body(i) })).status === 202;
    await runLoad({ count: 100, concurrency: 32, request: ingest });
    out.ceilingIngest = (await runFor({ durationMs: INGEST_SECONDS * 1000, concurrency: 32, request: ingest })).perSecond;
  } finally {
    await ceiling.stop();
  }
  const sb = await h.startWrangler({ logLevel: "warn", sourceRoot: dir });
  try {
    await sb.api("PUT", "/v1/triggers/bisect.fire", { body: { type: "event" } });
    await sb.api("PUT", "/v1/triggers/bisect.fire/subscriptions/flow", { body: { target: { type: "http", url: `${receiver.url}/hook` } } });
    await sb.api("PUT", "/v1/triggers/bisect.hook", { body: { type: "webhook", webhook: { path: "bisect", auth: { type: "hmac", provider: "github", secret: SECRET } } } });
    const fire = async (i) => (await sb.api("POST", "/v1/triggers/bisect.fire/fire", { body: { data: { i } } })).json.eventId;
    await fireToArrival({ count: 100, concurrency: 16, send: fire, arrived });
    out.p50 = (await fireToArrival({ count: FIRES, concurrency: 16, send: fire, arrived })).p50;
    const hook = async (i) => {
      const b = body(i);
      const res = await fetch(`${sb.baseUrl}/webhooks/${sb.tenant}/bisect`, {
        method: "POST", body: b,
        headers: { "content-type": "application/json", "x-github-event": "push", "x-github-delivery": randomUUID(), "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update(b).digest("hex")}` },
      });
      await res.arrayBuffer();
      return res.status === 202;
    };
    await runLoad({ count: 100, concurrency: 32, request: hook });
    out.ingest = (await runFor({ durationMs: INGEST_SECONDS * 1000, concurrency: 32, request: hook })).perSecond;
  } finally {
    await sb.stop();
  }
  out.deliveryRatio = out.p50 / out.ceilingP50;
  out.ingestRatio = out.ingest / out.ceilingIngest;
  return out;
}

const last = git("rev-list", "--first-parent", "-n", String(COUNT), FROM).split("\n").reverse();
const commits = ONLY ? ONLY.map((c) => git("rev-parse", c)) : last.filter((_, i) => (last.length - 1 - i) % STEP === 0);
mkdirSync(TMP, { recursive: true });
const arrived = new Map();
const receiver = await h.startReceiver({ onRequest: (r) => arrived.set(r.json?.eventId ?? r.json?.id ?? r.headers["webhook-id"], r.hrAt) });
const rows = [];
try {
  for (const sha of commits) {
    const subject = git("log", "-1", "--format=%s", sha).slice(0, 70);
    try {
      const r = await measureCommit(sha, receiver, arrived);
      rows.push({ ...r, subject });
      console.log(`${sha.slice(0, 8)}  delivery p50 ${r.p50?.toFixed(1)} ms vs ${r.ceilingP50?.toFixed(1)} ms = ${r.deliveryRatio.toFixed(2)}×   ingest ${r.ingest.toFixed(0)}/s vs ${r.ceilingIngest.toFixed(0)}/s = ${r.ingestRatio.toFixed(2)}×   ${subject}`);
    } catch (e) {
      rows.push({ sha, subject, error: String(e.message).split("\n")[0].slice(0, 120) });
      console.log(`${sha.slice(0, 8)}  failed: ${rows.at(-1).error}`);
    }
  }
} finally {
  await receiver.close();
  for (const sha of commits) {
    try {
      git("worktree", "remove", "--force", join(TMP, sha.slice(0, 10)));
    } catch {
      // not created
    }
  }
  rmSync(TMP, { recursive: true, force: true });
}

const table = [
  "| commit | delivery p50 vs ceiling | ingest vs ceiling | subject |",
  "| --- | --- | --- | --- |",
  ...rows.map((r) => (r.error
    ? `| ${r.sha.slice(0, 8)} | failed: ${r.error} | | ${r.subject} |`
    : `| ${r.sha.slice(0, 8)} | ${r.p50.toFixed(1)} / ${r.ceilingP50.toFixed(1)} ms = **${r.deliveryRatio.toFixed(2)}×** | ${r.ingest.toFixed(0)} / ${r.ceilingIngest.toFixed(0)} req/s = **${r.ingestRatio.toFixed(2)}×** | ${r.subject.replace(/\|/g, "/")} |`)),
];
const section = `<!-- bench:bisect -->\n## bisect\n\nThe delivery and ingest ratios at ${ONLY ? "chosen commits" : STEP > 1 ? `every ${STEP}th of the last ${COUNT} commits` : `each of the last ${COUNT} commits`} of main (first parent, oldest first), each beside the ceiling measured in the same run (\`node bench/bisect.mjs ${process.argv.slice(2).join(" ")}\`, ${new Date().toISOString()}). Delivery: ${FIRES} fires at concurrency 16, fire → POST received p50; ingest: signed 2 KB GitHub webhooks for ${INGEST_SECONDS} s at concurrency 32.\n\n${table.join("\n")}\n<!-- /bench:bisect -->`;
const results = join(h.REPO_ROOT, "bench", "RESULTS.md");
const text = existsSync(results) ? readFileSync(results, "utf8") : "# Benchmark results\n";
writeFileSync(results, /<!-- bench:bisect -->[\s\S]*<!-- \/bench:bisect -->/.test(text) ? text.replace(/<!-- bench:bisect -->[\s\S]*<!-- \/bench:bisect -->/, section) : `${text.trimEnd()}\n\n${section}\n`);
console.log(`\n${table.join("\n")}\n\nwrote ${results}`);
