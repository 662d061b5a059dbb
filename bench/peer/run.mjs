/**
 * The peer: a Node + PostgreSQL + BullMQ trigger service, for the delivery
 * benchmark's "faster than the peer" row (bench/delivery.mjs). This process
 * leads one process group (so bench/lib/cpu.mjs can count the group's CPU by
 * its `--port`) and starts, on 127.0.0.1 only, in a fresh temporary folder:
 * PostgreSQL (defaults: fsync and synchronous_commit on), Redis (no
 * persistence: the peer's best case), the API process (./api.mjs) and the
 * worker process (./worker.mjs). It prints "peer ready" when the API answers,
 * and stops everything and removes the folder on SIGTERM or SIGINT.
 *
 *   node bench/peer/run.mjs --port 9100 --subscriptions '[{"trigger":"t","url":"http://…","secret":"whsec_…"}]'
 */
import { spawn, spawnSync } from "node:child_process";
import { chownSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { eventually, freePort } from "../../test/e2e/lib/wrangler.mjs";

const { values: args } = parseArgs({ options: { port: { type: "string" }, subscriptions: { type: "string", default: "[]" }, key: { type: "string", default: "peer-key" } } });
const here = new URL(".", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "signalbox-peer-"));
const children = [];
const asRoot = process.getuid?.() === 0;

/** PostgreSQL refuses to run as root: as root, its programs run as the `postgres` user (in this process group, so its CPU counts as the peer's). */
const pgUser = asRoot ? { uid: Number(spawnSync("id", ["-u", "postgres"]).stdout), gid: Number(spawnSync("id", ["-g", "postgres"]).stdout) } : {};

function start(cmd, argv, env = {}, user = {}) {
  const child = spawn(cmd, argv, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env }, ...user });
  let out = "";
  child.stdout.on("data", (d) => (out = (out + d).slice(-4000)));
  child.stderr.on("data", (d) => (out = (out + d).slice(-4000)));
  child.output = () => out;
  children.push(child);
  return child;
}

/** Waits (30 s at most) until `fn` answers true; a throw counts as "not yet". */
const until = (what, fn) => eventually(async () => !!(await fn().catch(() => false)), { intervalMs: 100, what: `peer: ${what}` });

function stop(code = 0) {
  for (const c of children.reverse()) if (c.exitCode === null) c.kill("SIGINT");
  setTimeout(() => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    process.exit(code);
  }, 1_500);
}
process.on("SIGTERM", () => stop());
process.on("SIGINT", () => stop());

try {
  const data = join(dir, "pg");
  if (asRoot) chownSync(dir, pgUser.uid, pgUser.gid);
  const init = spawnSync("initdb", ["-D", data, "-A", "trust", "-U", "peer", "--no-sync"], { encoding: "utf8", cwd: dir, ...pgUser });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  const pgPort = await freePort();
  const redisPort = await freePort();
  const db = start("postgres", ["-D", data, "-k", dir, "-c", `port=${pgPort}`, "-c", "listen_addresses=127.0.0.1"], {}, { cwd: dir, ...pgUser });
  const redis = start("redis-server", ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir]);
  const pgUrl = `postgres://peer@127.0.0.1:${pgPort}/postgres`;
  await until("PostgreSQL", async () => {
    const c = new pg.Client(pgUrl);
    await c.connect();
    await c.end();
    return true;
  }).catch((e) => Promise.reject(new Error(`${e.message}\n${db.output()}`)));
  const c = new pg.Client(pgUrl);
  await c.connect();
  await c.query(readFileSync(join(here, "schema.sql"), "utf8"));
  for (const s of JSON.parse(args.subscriptions)) await c.query("INSERT INTO subscriptions (trigger, url, secret) VALUES ($1, $2, $3)", [s.trigger, s.url, s.secret]);
  await c.end();
  const env = { PEER_PORT: args.port, PEER_PG: pgUrl, PEER_REDIS: `redis://127.0.0.1:${redisPort}`, PEER_KEY: args.key };
  const api = start(process.execPath, [join(here, "api.mjs")], env);
  const worker = start(process.execPath, [join(here, "worker.mjs")], env);
  await until("the API", async () => (await fetch(`http://127.0.0.1:${args.port}/`)).status === 404).catch((e) => Promise.reject(new Error(`${e.message}\n${api.output()}\n${redis.output()}`)));
  await until("the worker", async () => worker.output().includes("worker ready")).catch((e) => Promise.reject(new Error(`${e.message}\n${worker.output()}`)));
  for (const ch of children) ch.on("exit", (code) => code && console.error(`peer: a process exited with ${code}: ${ch.output()}`));
  console.log("peer ready");
} catch (e) {
  console.error(String(e.stack ?? e));
  stop(1);
}
