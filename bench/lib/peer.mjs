/**
 * Starts the peer (bench/peer/run.mjs: Node + PostgreSQL + BullMQ) in its
 * own process group on 127.0.0.1, when the machine has PostgreSQL and Redis
 * (Debian: `apt-get install postgresql redis-server`); `peerMissing()` says
 * what is missing, or null.
 */
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT, freePort } from "../../test/e2e/lib/wrangler.mjs";

const has = (bin) => spawnSync("sh", ["-c", `command -v ${bin}`]).status === 0;

/** null when the peer can run here, else what is missing. */
export function peerMissing() {
  const missing = ["postgres", "initdb", "redis-server"].filter((b) => !has(b));
  if (process.getuid?.() === 0 && spawnSync("id", ["postgres"]).status !== 0) missing.push("the postgres user (PostgreSQL does not run as root)");
  return missing.length ? missing.join(", ") : null;
}

/** @param {{ trigger: string, url: string, secret: string }[]} subscriptions */
export async function startPeer(subscriptions, { timeoutMs = 60_000 } = {}) {
  const port = await freePort();
  const key = "peer-bench-key";
  const child = spawn(process.execPath, [join(REPO_ROOT, "bench/peer/run.mjs"), "--port", String(port), "--key", key, "--subscriptions", JSON.stringify(subscriptions)], {
    detached: true, stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`peer not ready within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const onData = (d) => {
      out = (out + d).slice(-8000);
      if (out.includes("peer ready")) (clearTimeout(timer), resolve());
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => (clearTimeout(timer), reject(new Error(`peer exited (${code}) before it was ready:\n${out}`))));
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.on("exit", r));
    try {
      process.kill(child.pid, "SIGTERM");
    } catch {
      return;
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // the group is gone
    }
  };
  try {
    await ready;
  } catch (e) {
    await stop();
    throw e;
  }
  return { baseUrl: `http://127.0.0.1:${port}`, port, key, stop, output: () => out };
}
