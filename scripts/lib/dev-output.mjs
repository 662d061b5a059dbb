/**
 * What `npm run dev` shows of wrangler's output (issue 20: "the URL, the dev
 * key and one line per request"). Pure line functions, so the dev script
 * stays a thin shell and the e2e test can check them.
 *
 * Dropped: wrangler's banner, telemetry note, ".dev.vars" notice, bindings
 * table, the cron note, "Starting local server", the header-rule count, its
 * own request lines (the Worker writes one JSON line per request itself, with
 * tenant and latency), blank lines, and the runtime's report of a streaming
 * answer its client left ("Uncaught Error: Network connection lost.": a live
 * tail or `tail --count` that stops; the Worker has nothing left to catch,
 * see src/routes/live.ts). Everything else passes, errors and warnings first.
 * `npm run dev -- --verbose` shows wrangler's output unfiltered.
 */

const ANSI = /\x1b\[[0-9;]*m/g;

/** Lines and blocks that are noise, tested on the line without colours. */
const NOISE = [
  /^\s*$/,
  /^\s*⛅️ wrangler /,
  /^\s*─+\s*$/,
  /^Cloudflare collects anonymous telemetry/,
  /^Using (secrets|vars) defined in /,
  /^Your Worker has access to the following bindings:/,
  /^Binding\s+Resource\s+Mode/,
  /^env\.[A-Z0-9_]+ /,
  /Scheduled Workers are not automatically triggered during local development/,
  /^\s+To manually trigger a scheduled event, run:/,
  /^\s+curl "http:\/\/[^"]+\/cdn-cgi\/handler\/scheduled"/,
  /^\s+For more details, see https:\/\/developers\.cloudflare\.com\/workers\/configuration\/cron-triggers/,
  /^⎔ Starting local server\.\.\./,
  /^\[wrangler:info\] ✨ Parsed \d+ valid header rules?\./,
  /^\[wrangler:info\] (GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) \S+ \d{3} /,
  /^✘ \[ERROR\] Uncaught Error: Network connection lost\.\s*$/,
];

/** wrangler's "Ready on http://localhost:8787" line: the URL. */
export function readyUrl(line) {
  const m = /Ready on (https?:\/\/\S+)/.exec(line.replace(ANSI, ""));
  return m ? m[1] : null;
}

/** Whether a line of wrangler dev's output is shown. */
export function keepLine(line) {
  const plain = line.replace(ANSI, "");
  return !NOISE.some((re) => re.test(plain));
}

/**
 * The one line a migrations run comes down to, from `wrangler d1 migrations apply` output.
 * @example migrationsSummary("…│ 0009_feed_and_runs.sql │ ✅ …", 0) // "D1: 1 migration applied (0009_feed_and_runs)"
 */
export function migrationsSummary(output, exitCode) {
  const plain = output.replace(ANSI, "");
  if (exitCode !== 0) return null;
  if (/No migrations to apply/.test(plain)) return "D1: migrations up to date";
  const listed = plain.slice(plain.indexOf("Migrations to be applied:"));
  const names = [...new Set([...listed.matchAll(/│\s*(\d{4}_[^\s│]+)\.sql\s*│/g)].map((m) => m[1]))];
  if (!names.length) return "D1: migrations applied";
  const span = names.length === 1 ? names[0] : `${names[0]} … ${names[names.length - 1]}`;
  return `D1: ${names.length} migration${names.length === 1 ? "" : "s"} applied (${span})`;
}

/**
 * The keys to print: the example's development key in full (it is in the
 * repository anyway); any other key only by its tenant.
 * @example devKeysLine('API_KEYS=[{"tenant":"default","key":"dev-key-change-me"}]') // "dev key: dev-key-change-me (tenant default)"
 */
export function devKeysLine(devVars, exampleKey = "dev-key-change-me") {
  const m = /^API_KEYS\s*=\s*'?(.+?)'?\s*$/m.exec(devVars);
  let keys = [];
  try {
    keys = m ? JSON.parse(m[1]) : [];
  } catch {
    return "API keys: .dev.vars has an API_KEYS that is not JSON";
  }
  if (!Array.isArray(keys) || !keys.length) return "API keys: none in .dev.vars (every /v1 call is 401)";
  return keys
    .map((k) => (k && k.key === exampleKey ? `dev key: ${k.key} (tenant ${k.tenant})` : `a key from .dev.vars (tenant ${k?.tenant ?? "?"})`))
    .join(" · ");
}
