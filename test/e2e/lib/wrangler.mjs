/**
 * Node-side harness for end-to-end tests and benchmarks: start a private
 * `wrangler dev` (own port, own persist dir, own API key, migrations applied),
 * a local webhook receiver, and a Standard Webhooks verifier.
 *
 * Everything listens on 127.0.0.1 only, every wait is bounded, and every
 * process this module starts is stopped by its process group (also when the
 * test process exits or is interrupted).
 */
import { spawn, spawnSync } from "node:child_process";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { cp, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";

/** A timer for Promise.race that does not keep the process alive once the race is over. */
const deadlineAfter = (ms) => sleep(ms, undefined, { ref: false });

/** The repository root (this file is test/e2e/lib/wrangler.mjs). */
export const REPO_ROOT = resolve(fileURLToPath(new URL("../../..", import.meta.url)));
const WRANGLER_BIN = join(REPO_ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
/** `wrangler dev` through wrangler's startWorker API with the inspector off (see the script). */
const DEV_WITHOUT_INSPECTOR = join(REPO_ROOT, "bench", "lib", "dev-without-inspector.mjs");

/** What wrangler dev needs from the repository (copied into a snapshot, see startWrangler). */
const SNAPSHOT_PATHS = ["src", "durable-objects", "migrations", "wrangler.toml", "package.json", "tsconfig.json", "dist"];

/** wrangler.toml serves dist/ (the dashboard) as static assets, so it must exist: build it once when missing. */
function ensureDashboardBuilt(root) {
  if (existsSync(join(root, "dist", "index.html")) || !existsSync(join(root, "scripts", "build-ui.mjs"))) return;
  const r = spawnSync(process.execPath, [join(root, "scripts", "build-ui.mjs")], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) throw new Error("scripts/build-ui.mjs failed: the dashboard's assets (dist/) are needed by wrangler dev");
}

/** Process groups started here and not stopped yet: killed on exit whatever happens. */
const live = new Set();
/** Temporary directories not removed yet: removed on exit whatever happens. */
const tempDirs = new Set();
let hooksInstalled = false;

function killAllSync() {
  for (const pid of live) killGroup(pid, "SIGKILL");
  for (const dir of tempDirs) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // best effort
    }
  }
}

function installExitHooks() {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on("exit", killAllSync);
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.once(sig, () => {
      killAllSync();
      process.exit(128 + (sig === "SIGINT" ? 2 : sig === "SIGTERM" ? 15 : 1));
    });
  }
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Pids of the live processes in process group `pgid` whose command name is
 * `comm` (from /proc; Linux only, [] elsewhere).
 */
export function groupProcesses(pgid, comm) {
  const out = [];
  let entries = [];
  try {
    entries = readdirSync("/proc");
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, "utf8");
      // "pid (comm) state ppid pgrp …": comm may hold spaces or parentheses, so split at the last ')'.
      const close = stat.lastIndexOf(")");
      const name = stat.slice(stat.indexOf("(") + 1, close);
      const [state, , pgrp] = stat.slice(close + 2).split(" ");
      if (Number(pgrp) === pgid && state !== "Z" && (comm === undefined || name === comm)) out.push(Number(e));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** A free TCP port on 127.0.0.1 (asked from the kernel, then released). */
export async function freePort() {
  const srv = createServer();
  await new Promise((res, rej) => srv.once("error", rej).listen(0, "127.0.0.1", res));
  const { port } = srv.address();
  await new Promise((res) => srv.close(res));
  return port;
}

/** The environment for wrangler children: no telemetry, no Request.cf download, no prompts. */
function childEnv() {
  return {
    ...process.env,
    CI: "true",
    WRANGLER_SEND_METRICS: "false",
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    NO_COLOR: "1",
    FORCE_COLOR: "0",
  };
}

/**
 * Spawns `node wrangler.js …args` in its own process group, keeping the tail
 * of its output. Returns { child, output(), exited }.
 */
function spawnWrangler(args, cwd, logFile, script = WRANGLER_BIN) {
  installExitHooks();
  const child = spawn(process.execPath, [script, ...args], {
    cwd,
    env: childEnv(),
    detached: true, // own process group, so workerd and friends go with it
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child.pid);
  let tail = "";
  const keep = (chunk) => {
    const text = chunk.toString().replace(/\x1b\[[0-9;]*m/g, "");
    tail = (tail + text).slice(-20_000);
    if (logFile) appendFileSync(logFile, text);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise((res) =>
    child.once("exit", (code, signal) => {
      live.delete(child.pid);
      res({ code, signal });
    }),
  );
  return { child, output: () => tail, exited };
}

/** Stops a spawned group: SIGTERM, then SIGKILL after graceMs. */
async function stopGroup(proc, graceMs = 5_000) {
  const { child, exited } = proc;
  if (child.exitCode !== null || child.signalCode !== null) {
    killGroup(child.pid, "SIGKILL"); // the leader is gone; make sure nothing in its group lingers
    return;
  }
  killGroup(child.pid, "SIGTERM");
  const done = await Promise.race([exited.then(() => true), deadlineAfter(graceMs).then(() => false)]);
  killGroup(child.pid, "SIGKILL");
  if (!done) await Promise.race([exited, deadlineAfter(2_000)]);
  live.delete(child.pid);
}

/** Runs a short wrangler command to completion (bounded), throwing with its output on failure. */
async function runWrangler(args, cwd, timeoutMs) {
  const proc = spawnWrangler(args, cwd);
  const res = await Promise.race([proc.exited, deadlineAfter(timeoutMs).then(() => null)]);
  if (res === null) {
    await stopGroup(proc, 1_000);
    throw new Error(`wrangler ${args.join(" ")} timed out after ${timeoutMs} ms\n${proc.output()}`);
  }
  killGroup(proc.child.pid, "SIGKILL");
  if (res.code !== 0) throw new Error(`wrangler ${args.join(" ")} failed (${res.code ?? res.signal})\n${proc.output()}`);
  return proc.output();
}

/**
 * Starts a private `wrangler dev`.
 *
 * @example
 *   const sb = await startWrangler();
 *   try { const r = await sb.api("GET", "/v1/triggers"); } finally { await sb.stop(); }
 *
 * By default the Worker runs from a snapshot of the working tree (src/,
 * durable-objects/, migrations/, wrangler.toml …, node_modules linked) taken
 * at start: wrangler dev reloads on every file change, and a reload mid-run
 * (someone saving a file) would restart the objects and skew a test or a
 * benchmark. `snapshot: false`, or SIGNALBOX_E2E_LIVE=1, runs from the
 * repository itself.
 *
 * `sourceRoot` runs another checkout of the service (default: this repository;
 * node_modules always come from this repository).
 * `logFile` (or SIGNALBOX_E2E_LOG_FILE) appends all of wrangler dev's output
 * to that file (the tail is always kept for `output()`).
 * `vars` adds Worker variables (written to the same env file as API_KEYS,
 * e.g. `{ CORS_ORIGINS: "http://localhost:3000" }`); `port` asks for a given port.
 * `extraKeys` adds API_KEYS entries beside the harness's own key (e.g. a
 * second tenant's: `[{ tenant: "globex", key: "…" }]`).
 * `inspector: false` runs the same dev server without wrangler's inspector
 * (bench/lib/dev-without-inspector.mjs: no per-subrequest network events
 * relayed to Node; no `inspectorPort`, so no profiling); the benchmarks' default.
 * `assets: false` runs it without wrangler.toml's `[assets]` (the dashboard):
 * in dev, every request then reaches the Worker directly instead of through
 * the runtime's asset router worker first (deployed, that routing is the
 * platform's, not the Worker's CPU); the benchmarks' default too. Needs the
 * snapshot; the dashboard and /docs/scalar.js are not served then.
 *
 * Crash tests: `kill()` SIGKILLs the workerd runtime(s) and then the rest of
 * the wrangler process group, without any cleanup (state stays on disk);
 * `restart()` starts a new `wrangler dev` on the same persisted state, env
 * file and port (migrations are not re-applied). `stop()` still removes
 * everything.
 *
 * @returns {Promise<{ baseUrl: string, port: number, apiKey: string, tenant: string, persistDir: string, sourceDir: string,
 *   api: (method: string, path: string, opts?: { body?: unknown, headers?: Record<string,string>, key?: string|null }) => Promise<{status:number, headers: Headers, text: string, json: any}>,
 *   output: () => string, stop: () => Promise<void>,
 *   kill: () => Promise<{ workerd: number[] }>, restart: (opts?: { startTimeoutMs?: number }) => Promise<void> }>}
 */
export async function startWrangler({
  tenant = "e2e",
  apiKey = `e2e-${randomBytes(12).toString("hex")}`,
  logLevel = "warn",
  startTimeoutMs = 90_000,
  extraArgs = [],
  snapshot = process.env.SIGNALBOX_E2E_LIVE !== "1",
  vars = {},
  port: wantedPort,
  logFile = process.env.SIGNALBOX_E2E_LOG_FILE,
  sourceRoot = REPO_ROOT,
  extraKeys = [],
  inspector = true,
  assets = true,
} = {}) {
  installExitHooks();
  ensureDashboardBuilt(sourceRoot);
  const dir = await mkdtemp(join(tmpdir(), "signalbox-e2e-"));
  tempDirs.add(dir);
  const persistDir = join(dir, "state");
  const sourceDir = snapshot ? join(dir, "src-snapshot") : sourceRoot;
  let proc = null;
  const stop = async () => {
    if (proc) await stopGroup(proc);
    proc = null;
    await rm(dir, { recursive: true, force: true }).catch(() => {});
    tempDirs.delete(dir);
  };

  try {
    if (snapshot) {
      for (const p of SNAPSHOT_PATHS) {
        if (existsSync(join(sourceRoot, p))) await cp(join(sourceRoot, p), join(sourceDir, p), { recursive: true });
      }
      await symlink(join(REPO_ROOT, "node_modules"), join(sourceDir, "node_modules"), "dir");
      if (!assets) await writeFile(join(sourceDir, "wrangler.toml"), withoutAssets(readFileSync(join(sourceDir, "wrangler.toml"), "utf8")));
    } else if (!assets) {
      throw new Error("startWrangler: assets: false needs the snapshot (it edits the snapshot's wrangler.toml)");
    }
    // --env-file makes wrangler skip .dev.vars, so the developer's keys play no part.
    const envFile = join(dir, "dev.env");
    // the structured log lines follow wrangler's level: at warn and above only warnings and errors are written
    // receivers and poll sources of the e2e, chaos and browser tests and the benchmarks listen on 127.0.0.1
    const logVars = { LOG_LEVEL: ["debug", "log", "info"].includes(logLevel) ? "info" : logLevel === "none" ? "none" : logLevel, ALLOW_PRIVATE_TARGETS: "true", ...vars };
    const extraVars = Object.entries(logVars).map(([k, v]) => `${k}='${String(v)}'\n`).join("");
    await writeFile(envFile, `API_KEYS='${JSON.stringify([{ tenant, key: apiKey }, ...extraKeys])}'\n${extraVars}`, { mode: 0o600 });
    await runWrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir], sourceDir, 60_000);
    const port = wantedPort ?? (await freePort());
    let inspectorPort = 0;
    const common = ["--port", String(port), "--ip", "127.0.0.1", "--persist-to", persistDir, "--env-file", envFile, "--log-level", logLevel];
    const spawnDev = async () =>
      inspector
        ? spawnWrangler([
          "dev", ...common,
          "--inspector-port", String((inspectorPort = await freePort())),
          "--inspector-ip", "127.0.0.1",
          "--show-interactive-dev-session=false",
          ...extraArgs,
        ], sourceDir, logFile)
        : spawnWrangler(["--config", "wrangler.toml", ...common], sourceDir, logFile, DEV_WITHOUT_INSPECTOR);
    proc = await spawnDev();
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitHealthy(baseUrl, proc, startTimeoutMs);
    let previousOutput = "";
    const kill = async () => {
      if (!proc) return { workerd: [] };
      const p = proc;
      proc = null;
      const workerd = groupProcesses(p.child.pid, "workerd");
      for (const pid of workerd) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      killGroup(p.child.pid, "SIGKILL");
      await Promise.race([p.exited, deadlineAfter(5_000)]);
      // wait (bounded) until nothing of the group is left, so the port is free again
      const deadline = Date.now() + 5_000;
      while (groupProcesses(p.child.pid).length > 0 && Date.now() < deadline) await sleep(20);
      live.delete(p.child.pid);
      previousOutput = (previousOutput + p.output()).slice(-20_000);
      return { workerd };
    };
    const restart = async ({ startTimeoutMs: restartTimeoutMs = startTimeoutMs } = {}) => {
      if (proc) await kill();
      proc = await spawnDev();
      await waitHealthy(baseUrl, proc, restartTimeoutMs);
    };
    const sb = {
      baseUrl, port, apiKey, tenant, persistDir, sourceDir,
      /** the runtime's inspector (Chrome DevTools Protocol), for bench/lib/profile.mjs */
      get inspectorPort() { return inspectorPort; },
      output: () => previousOutput + (proc?.output() ?? ""),
      api: (method, path, opts = {}) => callApi(baseUrl, opts.key === undefined ? apiKey : opts.key, method, path, opts),
      stop,
      kill,
      restart,
    };
    return sb;
  } catch (e) {
    const out = proc?.output() ?? "";
    await stop();
    if (out && !String(e.message).includes(out)) e.message += `\n--- wrangler output ---\n${out}`;
    throw e;
  }
}

/** wrangler.toml without its `[assets]` table (from its header to the next table's). */
function withoutAssets(toml) {
  const lines = toml.split("\n");
  const at = lines.findIndex((l) => l.trim() === "[assets]");
  if (at < 0) return toml;
  let end = at + 1;
  while (end < lines.length && !lines[end].trim().startsWith("[")) end++;
  return [...lines.slice(0, at), ...lines.slice(end)].join("\n");
}

async function waitHealthy(baseUrl, proc, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) throw new Error(`wrangler dev exited before it was ready`);
    try {
      const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
      await res.text();
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = e.cause?.code ?? e.message;
    }
    await sleep(200);
  }
  throw new Error(`wrangler dev did not answer GET /healthz within ${timeoutMs} ms (last: ${last})`);
}

/** One API call; JSON in and out. `key: null` sends no Authorization header. */
export async function callApi(baseUrl, key, method, path, { body, headers = {}, timeoutMs = 15_000 } = {}) {
  const h = { ...headers };
  if (key) h.authorization = `Bearer ${key}`;
  if (body !== undefined) h["content-type"] ??= "application/json";
  const res = await fetch(baseUrl + path, {
    method,
    headers: h,
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, text, json };
}

/**
 * Starts a local HTTP receiver on 127.0.0.1 that records every request and
 * answers `status` (200 by default). `onRequest(record)` is called as each
 * request completes. `waitFor(n, timeoutMs)` resolves when n requests arrived.
 *
 * A record is { method, path, headers, body, json, receivedAt (Date.now()), hrAt (performance.now() when the request began) }.
 */
export async function startReceiver({ status = 200, onRequest } = {}) {
  const requests = [];
  const waiters = new Set();
  const server = createServer((req, res) => {
    const hrAt = performance.now();
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let json = null;
      try {
        json = JSON.parse(body);
      } catch {
        // not JSON
      }
      const record = { method: req.method, path: req.url, headers: req.headers, body, json, receivedAt: Date.now(), hrAt };
      requests.push(record);
      res.writeHead(status, { "content-type": "text/plain" }).end("ok");
      onRequest?.(record);
      for (const w of waiters) w();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise((res, rej) => server.once("error", rej).listen(0, "127.0.0.1", res));
  const { port } = server.address();

  /** Resolves when `predicate(requests)` holds (a number n means "n requests"); rejects after timeoutMs. */
  const waitFor = (predicate, timeoutMs = 30_000) => {
    const test = typeof predicate === "number" ? (r) => r.length >= predicate : predicate;
    return new Promise((res, rej) => {
      if (test(requests)) return res(requests);
      const check = () => {
        if (!test(requests)) return;
        cleanup();
        res(requests);
      };
      const timer = setTimeout(() => {
        cleanup();
        rej(new Error(`receiver: condition not met within ${timeoutMs} ms (${requests.length} requests so far)`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
    });
  };

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    waitFor,
    close: () =>
      new Promise((res) => {
        server.closeAllConnections?.();
        server.close(() => res());
      }),
  };
}

/** A fresh Standard Webhooks secret: `whsec_` + base64 of 32 random bytes. */
export function newWebhookSecret() {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

function header(headers, name) {
  const v = typeof headers.get === "function" ? headers.get(name) : headers[name];
  return Array.isArray(v) ? v[0] : v ?? null;
}

/**
 * Verifies a Standard Webhooks signature: HMAC-SHA256 over
 * `${webhook-id}.${webhook-timestamp}.${body}` keyed by the base64 part of the
 * whsec_ secret; `webhook-signature` may hold several space-separated
 * `v1,<base64>` entries; comparison is constant-time; the timestamp must be
 * within toleranceSeconds of now (both directions).
 *
 * @example verifyWebhook(secret, record.headers, record.body) // → true | false
 */
export function verifyWebhook(secret, headers, rawBody, { toleranceSeconds = 300, nowMs = Date.now() } = {}) {
  const id = header(headers, "webhook-id");
  const ts = header(headers, "webhook-timestamp");
  const sigs = header(headers, "webhook-signature");
  if (!id || !ts || !sigs || !/^\d+$/.test(ts)) return false;
  if (Math.abs(nowMs / 1000 - Number(ts)) > toleranceSeconds) return false;
  if (!secret.startsWith("whsec_")) return false;
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  const expected = createHmac("sha256", key).update(`${id}.${ts}.${rawBody}`).digest();
  let ok = false;
  for (const entry of sigs.split(" ")) {
    const [version, b64] = entry.split(",", 2);
    if (version !== "v1" || !b64) continue;
    const given = Buffer.from(b64, "base64");
    // timingSafeEqual needs equal lengths; a length mismatch is simply not a match.
    if (given.length === expected.length && timingSafeEqual(given, expected)) ok = true;
  }
  return ok;
}

/** Polls `fn` until it returns a truthy value (which is returned), bounded by timeoutMs. */
export async function eventually(fn, { timeoutMs = 30_000, intervalMs = 200, what = "condition" } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() >= deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` in flight; returns the results in order. */
export async function pool(count, concurrency, task) {
  const results = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}
