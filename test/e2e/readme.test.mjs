/**
 * The README's walk-through, as written: every ```bash block of README.md
 * that calls `curl`, in order, in one bash session, against a fresh
 * `wrangler dev` (tenant `default`, key `dev-key-change-me`, as `npm run dev`
 * has them), so the walk-through can never rot again.
 *
 * Two substitutions, both documented here and nowhere hidden: the first block's
 * `API=http://localhost:8787` line points at the harness's port, and the
 * receiver's port 9000 becomes a free port (tests run beside other work).
 * A shell function named `curl` wraps the real one with `-w` writing
 * "@@ <method> <url> <status>" to stderr, so each step's answer status is
 * checked against the list below, in order. Nothing else in the blocks changes.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT, freePort, startWrangler } from "./lib/wrangler.mjs";

/** Each curl of the README, in order: method, path (a regex on the URL's path and query), status. */
const EXPECTED = [
  // Quickstart
  ["PUT", /^\/v1\/triggers\/user\.created$/, 201],
  ["PUT", /^\/v1\/triggers\/user\.created\/subscriptions\/welcome-email$/, 201],
  ["POST", /^\/v1\/triggers\/user\.created\/fire$/, 202],
  ["GET", /^\/v1\/triggers\/user\.created\/events\/live$/, 200],
  ["PUT", /^\/v1\/triggers\/github\.push$/, 201],
  ["PUT", /^\/v1\/triggers\/github\.push\/subscriptions\/ci$/, 201],
  ["POST", /^\/webhooks\/default\/github$/, 202],
  ["POST", /^\/webhooks\/default\/github$/, 401],
  ["GET", /^\/v1\/triggers\/user\.created\/stats$/, 200],
  ["GET", /^\/v1\/fires\?limit=5$/, 200],
  ["GET", /^\/v1\/metrics$/, 200],
  // webhooks, schedules and awaits
  ["GET", /^\/v1\/providers$/, 200],
  ["PUT", /^\/v1\/triggers\/report\.tick$/, 201],
  ["GET", /^\/v1\/triggers\/report\.tick\/schedule\?count=5$/, 200],
  ["POST", /^\/v1\/triggers\/report\.tick\/schedule\/backfill$/, 202],
  ["POST", /^\/v1\/triggers\/report\.tick\/retire$/, 200],
  ["PUT", /^\/v1\/runs\/run-1\/awaits\/approve$/, 201],
  ["GET", /^\/v1\/runs\?status=waiting$/, 200],
  ["POST", /^\/resume\/[A-Za-z0-9_-]{22,}$/, 200],
  ["PUT", /^\/v1\/runs\/run-1\/awaits\/paid$/, 201],
  // live tail and chaining
  ["GET", /^\/v1\/triggers\/user\.created\/events\/live\?types=trigger\.fired$/, 200],
  ["PUT", /^\/v1\/triggers\/welcome\.sent$/, 201],
  ["POST", /^\/v1\/triggers\/user\.created\/fire$/, 202],
  ["POST", /^\/v1\/deliveries\/dlv_[^/]+\/status$/, 200],
  ["GET", /^\/v1\/fires\?trigger=welcome\.sent$/, 200],
  // poll triggers
  ["PUT", /^\/v1\/triggers\/shop\.orders$/, 201],
  ["GET", /^\/v1\/triggers\/shop\.orders$/, 200],
  // flow control
  ["PUT", /^\/v1\/flows\/welcome-email$/, 201],
  ["POST", /^\/v1\/flows\/welcome-email\/pause$/, 200],
  ["POST", /^\/v1\/triggers\/user\.created\/fire$/, 202],
  ["GET", /^\/v1\/flows\/welcome-email$/, 200],
  ["POST", /^\/v1\/flows\/welcome-email\/resume$/, 200],
  ["GET", /^\/v1\/flows\/welcome-email\/activity$/, 200],
  ["PUT", /^\/v1\/triggers\/github\.push\/subscriptions\/ci$/, 200],
  ["POST", /^\/v1\/flows\/welcome-email\/recover$/, 200],
  // clean up
  ...["user.created", "github.push", "report.tick", "welcome.sent", "shop.orders"].map((t) => ["POST", new RegExp(`^/v1/triggers/${t.replace(/\./g, "\\.")}/retire$`), 200]),
  ["POST", /^\/v1\/maintenance\/cleanup$/, 200],
];

let sb;
let script;

before(async () => {
  // ALLOW_PRIVATE_TARGETS: local development lets targets and polls reach 127.0.0.1 (API.md), as `npm run dev` does
  sb = await startWrangler({ tenant: "default", apiKey: "dev-key-change-me", vars: { ALLOW_PRIVATE_TARGETS: "true" } });
  const port = await freePort();
  const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
  const blocks = [...readme.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]).filter((b) => /\bcurl\b/.test(b));
  assert.ok(blocks.length >= 5, `the README's curl blocks (${blocks.length})`);
  const joined = blocks.join("\n");
  assert.equal(joined.match(/^API=http:\/\/localhost:8787$/gm)?.length, 1, "one API= line to point at the harness");
  assert.ok(/\b9000\b/.test(joined), "the receiver's port");
  script = [
    "curl() { command curl -w '%{stderr}@@ %{method} %{url_effective} %{http_code}\\n' \"$@\"; }",
    joined.replace(/^API=http:\/\/localhost:8787$/m, `API=${sb.baseUrl}`).replace(/\b9000\b/g, String(port)),
  ].join("\n");
}, { timeout: 120_000 });

after(async () => {
  await sb?.stop();
}, { timeout: 30_000 });

/** Runs the script in its own process group (so a receiver left behind is killed too). */
function runBash(text, timeoutMs) {
  return new Promise((resolve) => {
    const child = spawn("bash", ["-c", text], { cwd: REPO_ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    const kill = () => {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // gone
      }
    };
    const timer = setTimeout(kill, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      kill();
      resolve({ code, stdout, stderr });
    });
  });
}

test("every curl block of the README runs in order, each answer as the walk-through says", { timeout: 120_000 }, async () => {
  const { code, stdout, stderr } = await runBash(script, 90_000);
  const calls = stderr.split("\n").filter((l) => l.startsWith("@@ ")).map((l) => {
    const [, method, url, status] = l.split(" ");
    const u = new URL(url);
    return { method, path: `${u.pathname}${u.search}`, status: Number(status) };
  });
  const other = stderr.split("\n").filter((l) => l && !l.startsWith("@@ "));
  assert.deepEqual(other, [], `nothing else on stderr (a command failed?):\n${stderr}`);
  assert.equal(calls.length, EXPECTED.length, `${calls.length} curl calls:\n${calls.map((c) => `${c.method} ${c.path} ${c.status}`).join("\n")}`);
  EXPECTED.forEach(([method, path, status], i) => {
    const c = calls[i];
    assert.ok(c.method === method && path.test(c.path) && c.status === status, `step ${i + 1}: expected ${method} ${path} ${status}, got ${c.method} ${c.path} ${c.status}\n--- stdout ---\n${stdout}`);
  });
  assert.equal(code, 0, `bash exited ${code}`);

  // what the walk-through says the answers show
  assert.match(stdout, /welcome-email verifies signatures with whsec_[A-Za-z0-9+/=]{40,}/);
  // (curl prints answers without a newline, so the receiver's lines may follow one on the same line)
  assert.match(stdout, /POST \/hook dlv_\S+ \{"type":"trigger\.fired"[^\n]*"data":\{"id":"42","email":"a@example\.com"\}\}/, "the receiver printed the signed delivery");
  assert.match(stdout, /POST \/ci dlv_\S+ \{"type":"trigger\.fired"[^\n]*"source":"webhook"[^\n]*"x-github-event":"push"/, "the webhook reached the flow with its headers");
  assert.match(stdout, /"runs":\[\{"runId":"run-1","awaits":\{"waiting":1/, "run-1 waits for its approval");
  assert.match(stdout, /\{"status":"resolved"\}/, "the resume URL resolved the await");
  assert.match(stdout, /POST \/cb cb_\S+ \{"type":"await\.resolved"[^\n]*"result":\{"approved":true\}/, "the callback got it");
  assert.match(stdout, /\{"lastPolledAt":\d+,"lastStatus":200,"lastError":null,"consecutiveFailures":0,"paused":false,"group":"[0-9a-f]{64}"\}/, "the poll state");
  assert.match(stdout, /\{"fires":\[\{"trigger":"welcome\.sent","eventId":"flw_[^"]+","seq":\d+,"firedAt":\d+,"status":"accepted"[^\n]*"source":"flow"/, "the chained fire");
  const cleanup = JSON.parse(stdout.trim().split("\n").findLast((l) => l.startsWith('{"dryRun"')));
  assert.deepEqual(cleanup.deleted.map((d) => d.name).sort(), ["github.push", "report.tick", "shop.orders", "user.created", "welcome.sent"]);
  for (const t of ["user.created", "welcome.sent"]) assert.equal((await sb.api("GET", `/v1/triggers/${t}`)).status, 404, `${t} deleted by the clean-up`);
});
