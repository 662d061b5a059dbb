import { createHmac, randomUUID } from "node:crypto";
import { spawn, execSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as h from "../test/e2e/lib/wrangler.mjs";
import { runFor } from "./lib/stream.mjs";
import { runLoad } from "./lib/measure.mjs";
const SECRET = "bench-github-secret-0123456789abcdef";
const body = (i) => JSON.stringify({ i, d: randomUUID(), pad: "x".repeat(1900) });
const PERF = process.env.PERF === "1";
const sb = await h.startWrangler({ logLevel: "warn", inspector: false });
try {
  await sb.api("PUT", `/v1/triggers/wh`, { body: { type: "webhook", webhook: { path: "gh", auth: { type: "hmac", provider: "github", secret: SECRET } } } });
  const url = `${sb.baseUrl}/webhooks/${sb.tenant}/gh`;
  const send = async (i) => {
    const b = body(i);
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-github-event": "push", "x-github-delivery": randomUUID(), "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update(b).digest("hex")}` }, body: b });
    await res.text();
    return res.status === 202;
  };
  await h.eventually(async () => { try { return await send(-1); } catch { return false; } }, { timeoutMs: 20000 });
  await runLoad({ count: 500, concurrency: 32, request: send });
  await new Promise((r) => setTimeout(r, 2000));
  const pids = execSync(`pgrep workerd`).toString().trim().split("\n").map(Number);
  const ticks = (p) => { const f = readFileSync(`/proc/${p}/stat`, "utf8"); const x = f.slice(f.lastIndexOf(")") + 2).split(" "); return +x[11] + +x[12]; };
  const before = pids.map(ticks);
  let perf;
  if (PERF) perf = spawn("perf", ["record", "-F", "999", "-g", "-o", "/tmp/wh/perf.data", "-p", pids.join(",")], { stdio: "ignore" });
  const r = await runFor({ durationMs: 10000, concurrency: 32, request: send });
  await new Promise((r) => setTimeout(r, 1500));
  if (perf) { perf.kill("SIGINT"); await new Promise((r) => perf.on("exit", r)); }
  const after = pids.map(ticks);
  console.log(`${r.ok} ok ${r.perSecond.toFixed(0)}/s p50 ${r.p50.toFixed(1)}`);
  pids.forEach((p, i) => console.log(p, ((after[i] - before[i]) * 10 / r.ok).toFixed(3), "ms/webhook", readFileSync(`/proc/${p}/cmdline`, "utf8").replace(/\0/g, " ").slice(0, 120)));
} finally { console.log(sb.output().split("\n").filter(l=>l.includes("TMPDRAIN")).slice(-3).join("\n")); await sb.stop(); }
