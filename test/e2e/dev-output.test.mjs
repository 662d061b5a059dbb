/**
 * `npm run dev` (scripts/dev.mjs) from a fresh copy of the repository, as a
 * newcomer starts it: it prints the URL, the dev key, the migrations in one
 * line and then one line per request (plus the Worker's fire and delivery
 * lines), nothing else: no migration tables, no ENOTFOUND traces, no bindings
 * table, no "Uncaught Error" when a live tail stops.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { cp, mkdtemp, rm, symlink } from "node:fs/promises";
import { existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { REPO_ROOT, freePort } from "./lib/wrangler.mjs";

const COPY = ["src", "durable-objects", "migrations", "scripts", "ui", "wrangler.toml", "package.json", "tsconfig.json", ".dev.vars.example"];
const KEY = "dev-key-change-me";
let dir;
let child;
let port;
const lines = [];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "signalbox-dev-"));
  for (const p of COPY) await cp(join(REPO_ROOT, p), join(dir, p), { recursive: true });
  await symlink(join(REPO_ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  port = await freePort();
  const inspector = await freePort();
  child = spawn(process.execPath, ["scripts/dev.mjs", "--port", String(port), "--ip", "127.0.0.1", "--inspector-port", String(inspector), "--persist-to", join(dir, "state")], {
    cwd: dir, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" },
  });
  let buf = "";
  const take = (c) => {
    buf += c;
    const parts = buf.split("\n");
    buf = parts.pop();
    lines.push(...parts);
  };
  child.stdout.on("data", take);
  child.stderr.on("data", take);
  const deadline = Date.now() + 120_000;
  while (!lines.some((l) => l.startsWith("Signalbox on "))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`npm run dev did not start:\n${lines.join("\n")}`);
    await sleep(200);
  }
}, { timeout: 150_000 });

after(async () => {
  if (child && child.exitCode === null) {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      // gone
    }
    await Promise.race([new Promise((r) => child.once("exit", r)), sleep(5_000)]);
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // gone
    }
  }
  if (dir) await rm(dir, { recursive: true, force: true });
}, { timeout: 30_000 });

const api = async (method, path, body) => {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method, headers: { authorization: `Bearer ${KEY}`, ...(body ? { "content-type": "application/json" } : {}) }, body: body ? JSON.stringify(body) : undefined,
  });
  await res.arrayBuffer();
  return res.status;
};

test("prints the URL, the dev key and the migrations in one line each, then one line per request", { timeout: 120_000 }, async () => {
  assert.ok(existsSync(join(dir, ".dev.vars")), "created .dev.vars");
  assert.equal((await api("PUT", "/v1/triggers/dev.one", { type: "event" })), 201);
  const events = Array.from({ length: 100 }, (_, i) => ({ name: "dev.one", data: { i, pad: "x".repeat(300) } }));
  assert.equal(await api("POST", "/v1/events", { events }), 200);
  assert.equal(await api("GET", "/v1/triggers"), 200);
  assert.equal((await fetch(`http://127.0.0.1:${port}/`)).status, 200); // a dashboard asset: no Worker request line
  for (const n of [2, 3]) {
    const r = spawnSync(process.execPath, [join(REPO_ROOT, "bin", "signalbox.mjs"), "tail", "dev.one", "--count", String(n)], {
      env: { ...process.env, SIGNALBOX_URL: `http://127.0.0.1:${port}`, SIGNALBOX_API_KEY: KEY }, encoding: "utf8", timeout: 30_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim().split("\n").length, n);
  }
  await sleep(2_000);

  const text = lines.join("\n");
  const migrations = readdirSync(join(REPO_ROOT, "migrations")).filter((f) => f.endsWith(".sql")).sort().map((f) => f.replace(/\.sql$/, ""));
  assert.deepEqual(lines.slice(0, 5), [
    "created .dev.vars from .dev.vars.example (dev key for tenant 'default')",
    `D1: ${migrations.length} migrations applied (${migrations[0]} … ${migrations.at(-1)})`,
    `Signalbox on http://127.0.0.1:${port}  (dashboard http://127.0.0.1:${port}/, API http://127.0.0.1:${port}/v1, reference http://127.0.0.1:${port}/docs)`,
    "dev key: dev-key-change-me (tenant default)",
    lines[4],
  ]);
  const rest = lines.slice(4);
  const notJson = rest.filter((l) => !l.startsWith('{"msg":'));
  assert.deepEqual(notJson, [], `only the Worker's JSON lines after the start:\n${text}`);
  const requests = rest.map((l) => JSON.parse(l)).filter((l) => l.msg === "request");
  assert.deepEqual(requests.map((r) => `${r.method} ${r.path} ${r.status}`), [
    "PUT /v1/triggers/dev.one 201", "POST /v1/events 200", "GET /v1/triggers 200",
    "GET /v1/triggers/dev.one/events/live 200", "GET /v1/triggers/dev.one/events/live 200",
  ]);
  for (const noise of ["ENOTFOUND", "Uncaught", "┌", "Using secrets", "Binding", "telemetry", "[wrangler:info]"]) assert.ok(!text.includes(noise), `${noise} in:\n${text}`);
});
