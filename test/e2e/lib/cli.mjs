/**
 * Runs the real CLI (bin/signalbox.mjs) as a child process against a
 * `wrangler dev` started by startWrangler (test/e2e/lib/wrangler.mjs),
 * bounded in time.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "./wrangler.mjs";

const BIN = join(REPO_ROOT, "bin", "signalbox.mjs");

/**
 * Starts the CLI with SIGNALBOX_URL/SIGNALBOX_API_KEY of `sb`; `lines` collects stdout lines; `done`
 * resolves to {code, stdout, stderr}; `waitLine(pred)` resolves with the first stdout line matching; killed after timeoutMs.
 * @example const { code, stdout } = await spawnCli(sb, ["ls", "--json"]).done;
 */
export function spawnCli(sb, args, { env = {}, timeoutMs = 30_000 } = {}) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, SIGNALBOX_URL: sb.baseUrl, SIGNALBOX_API_KEY: sb.apiKey, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const lines = [];
  const waiters = new Set();
  child.stdout.on("data", (c) => {
    stdout += c;
    const parts = stdout.split("\n");
    lines.length = 0;
    lines.push(...parts.slice(0, -1));
    for (const w of waiters) w();
  });
  child.stderr.on("data", (c) => (stderr += c));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const done = new Promise((res) => child.on("close", (code, signal) => (clearTimeout(timer), res({ code: code ?? signal, stdout, stderr }))));
  const waitLine = (pred, ms = 20_000) =>
    new Promise((res, rej) => {
      const check = () => {
        const l = lines.find(pred);
        if (l === undefined) return;
        waiters.delete(check);
        clearTimeout(t);
        res(l);
      };
      const t = setTimeout(() => (waiters.delete(check), rej(new Error(`no matching CLI line within ${ms} ms; stdout: ${stdout} stderr: ${stderr}`))), ms);
      waiters.add(check);
      check();
    });
  return { child, lines, done, waitLine };
}
