/**
 * `wrangler dev` without its inspector: the benchmarks' runner by default.
 *
 * `wrangler dev` always attaches an inspector to the runtime and enables its
 * Network domain, so every subrequest a Worker makes (a fetch, a queue send,
 * a Durable Object or D1 call) is reported as 3-5 events that travel through
 * wrangler's proxy runtime to its Node process, which also writes each one to
 * its debug log file. Deployed Workers pay none of this. Measured on a burst
 * of 3,000 await callbacks (docs/performance.md "The dev inspector"), it was
 * about 3.3 ms of the 4.3 ms of CPU each callback cost. The CLI cannot turn
 * the inspector off; wrangler's startWorker API can (`dev.inspector: false`),
 * with the same config, env file, persistence and port:
 *
 *   node bench/lib/dev-without-inspector.mjs --config wrangler.toml --port 8788 --ip 127.0.0.1 \
 *     --persist-to .state --env-file dev.env --log-level warn
 *
 * It runs until SIGTERM or SIGINT. test/e2e/lib/wrangler.mjs starts it when
 * asked for `inspector: false`.
 */
import { unstable_startWorker } from "wrangler";

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};

const worker = await unstable_startWorker({
  config: arg("config", "wrangler.toml"),
  envFiles: [arg("env-file")].filter(Boolean),
  dev: {
    inspector: false,
    server: { hostname: arg("ip", "127.0.0.1"), port: Number(arg("port", "8787")) },
    persist: arg("persist-to"),
    logLevel: arg("log-level", "warn"),
    watch: false,
  },
});
await worker.ready;
console.log(`Ready on ${(await worker.url).href}`);
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await worker.dispose().catch(() => {});
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
