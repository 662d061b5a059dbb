/**
 * CPU profiles of the runtime while a benchmark runs: attaches to
 * `wrangler dev`'s inspector (Chrome DevTools Protocol, the port the harness
 * starts it with), samples with `Profiler.start` / `Profiler.stop`, writes the
 * `.cpuprofile` (open it in Chrome DevTools or speedscope) and summarizes it:
 * the top frames by self and by total time, and self time by source file,
 * mapped back to our TypeScript through the bundle's source map.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { TraceMap, originalPositionFor } from "@jridgewell/trace-mapping";

/**
 * Starts sampling the runtime behind `inspectorPort`.
 * @returns {Promise<{ stop: () => Promise<object> }>} stop() answers the profile (CDP Profiler.Profile)
 */
export async function startProfile(inspectorPort, { intervalUs = Number(process.env.BENCH_PROFILE_US ?? 200) } = {}) {
  const targets = await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json();
  if (!targets.length) throw new Error(`no inspector target on port ${inspectorPort}`);
  // a profile of a few minutes is a message of hundreds of MB: above ws's default limit the socket closes and stop() would wait forever
  const ws = new WebSocket(targets[0].webSocketDebuggerUrl, { maxPayload: 2 ** 31 - 1 });
  await new Promise((res, rej) => ws.once("open", res).once("error", rej));
  let seq = 0;
  const pending = new Map();
  ws.on("close", (code) => {
    for (const p of pending.values()) p.rej(new Error(`inspector connection closed (${code}) during ${p.method}`));
    pending.clear();
  });
  ws.on("message", (raw) => {
    const msg = JSON.parse(String(raw));
    const p = msg.id !== undefined ? pending.get(msg.id) : undefined;
    if (!p) return;
    pending.delete(msg.id);
    if (msg.error) p.rej(new Error(`${msg.error.message} (${p.method})`));
    else p.res(msg.result);
  });
  const send = (method, params = {}) =>
    new Promise((res, rej) => {
      const id = ++seq;
      pending.set(id, { res, rej, method });
      ws.send(JSON.stringify({ id, method, params }));
    });
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: intervalUs });
  await send("Profiler.start");
  return {
    async stop() {
      const { profile } = await send("Profiler.stop");
      ws.close();
      return profile;
    },
  };
}

const REPO = fileURLToPath(new URL("../..", import.meta.url));

/** The bundle wrangler dev runs (index.js under <source>/.wrangler/tmp/dev-…, its source map beside it), the newest. */
export function findBundle(sourceDir) {
  const tmp = join(sourceDir, ".wrangler", "tmp");
  if (!existsSync(tmp)) return null;
  const dirs = readdirSync(tmp).filter((d) => d.startsWith("dev-") && existsSync(join(tmp, d, "index.js.map")));
  dirs.sort((a, b) => statSync(join(tmp, b)).mtimeMs - statSync(join(tmp, a)).mtimeMs);
  return dirs.length ? join(tmp, dirs[0], "index.js") : null;
}

/** A source map per bundle url (wrangler writes `<bundle>.map` beside the bundle; the runtime names it by its base name). */
function mapper(bundle) {
  const maps = new Map();
  return (url, line, column) => {
    const path = url.startsWith("file://") ? fileURLToPath(url) : url === "index.js" && bundle ? bundle : null;
    if (!path) return null;
    if (!maps.has(url)) {
      const file = `${path}.map`;
      maps.set(url, existsSync(file) ? new TraceMap(readFileSync(file, "utf8")) : null);
    }
    const map = maps.get(url);
    if (!map) return null;
    const pos = originalPositionFor(map, { line: line + 1, column });
    return pos.source ? { source: pos.source, line: pos.line } : null;
  };
}

/** Our file names relative to the repo (a snapshot copy counts as the repo), dependencies by package. */
function fileLabel(source) {
  const s = source.replace(/^file:\/\//, "");
  const nm = s.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = s.slice(nm + 13).split("/");
    return `node_modules/${rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  for (const root of ["src/", "durable-objects/", "client/", "ui/"]) {
    const i = s.lastIndexOf(`/${root}`);
    if (i >= 0) return s.slice(i + 1);
    if (s.startsWith(root)) return s;
  }
  return relative(REPO, s) || s;
}

/** A sample weighs at most this much (a few sampling intervals): see summarizeProfile. */
const SAMPLE_CAP_US = 1_000;

/**
 * Top frames by self and total time, and self time by file.
 * @returns {{ totalMs: number, samples: number, self: object[], total: object[], files: object[] }}
 */
export function summarizeProfile(profile, { top = 20, bundle = null } = {}) {
  const map = mapper(bundle);
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = new Map();
  for (const n of profile.nodes) {
    const f = n.callFrame;
    const name = f.functionName || "(anonymous)";
    if (!f.url) {
      keyOf.set(n.id, { key: name, file: name.startsWith("(") ? name : "(native)", name });
      continue;
    }
    const pos = map(f.url, f.lineNumber, f.columnNumber);
    const file = pos ? fileLabel(pos.source) : fileLabel(f.url);
    keyOf.set(n.id, { key: `${name} ${file}:${pos?.line ?? f.lineNumber + 1}`, file, name });
  }
  const self = new Map();
  const total = new Map();
  const files = new Map();
  /** self time of a frame by the frame that called it (the first caller that is another function) */
  const callers = new Map();
  let totalUs = 0;
  let wallUs = 0;
  const add = (m, k, v) => m.set(k, (m.get(k) ?? 0) + v);
  // The runtime samples only while the isolate runs JavaScript: a gap between two samples is time no JS ran
  // (idle, or waiting on I/O), not time spent in the sample after it. Each sample weighs at most SAMPLE_CAP_US;
  // the rest of a gap counts as "outside JavaScript".
  profile.samples.forEach((id, i) => {
    const gap = Math.max(0, profile.timeDeltas[i] ?? 0);
    wallUs += gap;
    const dt = Math.min(gap, SAMPLE_CAP_US);
    totalUs += dt;
    const k = keyOf.get(id);
    add(self, k.key, dt);
    add(files, k.file, dt);
    let up = parent.get(id);
    while (up !== undefined && keyOf.get(up).key === k.key) up = parent.get(up);
    if (up !== undefined) {
      if (!callers.has(k.key)) callers.set(k.key, new Map());
      add(callers.get(k.key), keyOf.get(up).key, dt);
    }
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const key = keyOf.get(at).key;
      if (!seen.has(key)) (seen.add(key), add(total, key, dt));
    }
  });
  const rows = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([what, us]) => ({ what, ms: us / 1000, share: us / Math.max(1, totalUs) }));
  void nodes;
  const selfRows = rows(self);
  const byCaller = selfRows.filter((r) => !r.what.startsWith("(")).slice(0, 5).map((r) => ({ what: r.what, callers: [...(callers.get(r.what) ?? new Map())].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([c, us]) => ({ what: c, ms: us / 1000 })) }));
  return { totalMs: totalUs / 1000, wallMs: wallUs / 1000, samples: profile.samples.length, self: selfRows, total: rows(total), files: rows(files), byCaller };
}

/** The summary as text (three tables). */
export function profileText(s) {
  const table = (title, rows) => [`${title}`, ...rows.map((r) => `  ${(r.share * 100).toFixed(1).padStart(5)}%  ${r.ms.toFixed(0).padStart(7)} ms  ${r.what}`)].join("\n");
  return [
    `profile: ${s.samples} samples, ${(s.totalMs / 1000).toFixed(1)} s in JavaScript of ${(s.wallMs / 1000).toFixed(1)} s (${((100 * s.totalMs) / Math.max(1, s.wallMs)).toFixed(0)} %; shares below are of the time in JavaScript)`,
    table("top frames by self time", s.self),
    table("top frames by total time (each frame once per sample)", s.total),
    table("self time by file", s.files),
    "callers of the top frames (self time of the frame, by caller)",
    ...s.byCaller.map((f) => [`  ${f.what}`, ...f.callers.map((c) => `    ${c.ms.toFixed(0).padStart(6)} ms  ${c.what}`)].join("\n")),
  ].join("\n");
}

/** Writes the profile into bench/profiles/ and answers its path. */
export function saveProfile(profile, name) {
  const dir = join(REPO, "bench", "profiles");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}-${new Date().toISOString().replace(/[:.]/g, "-")}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  return file;
}

// `node bench/lib/profile.mjs <file.cpuprofile> [bundle.js]`: the summary of a saved profile
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, bundle] = process.argv.slice(2);
  console.log(profileText(summarizeProfile(JSON.parse(readFileSync(file, "utf8")), { bundle: bundle ?? null })));
}
