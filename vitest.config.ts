/** Vitest runs every test inside workerd with the real bindings from wrangler.toml. */
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { quietRuntime } from "./test/quiet-runtime.ts";

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          // a queue a flow would own, for queue targets (the service's own queues are refused as targets)
          queueProducers: { FLOW_QUEUE: { queueName: "signalbox-test-flow-queue" } },
          bindings: {
            TEST_MIGRATIONS: migrations,
            // test/integration/api-behaviour.test.ts: one allowed browser origin
            CORS_ORIGINS: "https://dash.example.com",
            // the tests' flow endpoints and poll sources listen on 127.0.0.1 (test/integration/outbound-policy.test.ts proves the refusal without it)
            ALLOW_PRIVATE_TARGETS: "true",
            // queue targets: acme may name FLOW_QUEUE, globex none (test/integration/queue-targets.test.ts)
            QUEUE_TARGETS: JSON.stringify({ acme: ["FLOW_QUEUE"] }),
            API_KEYS: JSON.stringify([
              { tenant: "acme", key: "acme-key" },
              { tenant: "acme", key: "acme-read", scopes: ["read"] },
              { tenant: "acme", key: "acme-fire", scopes: ["fire"] },
              // sha256("globex-key")
              { tenant: "globex", sha256: "f2a455b59b858a04c51108416af2042203cb6ac35fa4141fba4148bc856e78d4" },
              { tenant: "globex", key: "globex-plain" },
              { tenant: "acme", key: "acme-write", scopes: ["write"] },
            ]),
          },
        },
      }),
    ],
    resolve: {
      // cron-parser loads luxon as CommonJS, which the pool's module shim breaks.
      alias: { luxon: path.join(import.meta.dirname, "node_modules/luxon/build/cjs-browser/luxon.js") },
    },
    test: {
      include: ["test/unit/**/*.test.ts", "test/integration/**/*.test.ts"],
      setupFiles: ["./test/setup.ts"],
      globalSetup: ["./test/global-setup.ts"],
      testTimeout: 20_000,
      // a passing run prints the reporter's summary only: console output shows for failing tests,
      // workerd's runtime diagnostics when the run fails (test/quiet-runtime.ts)
      silent: "passed-only" as const,
      reporters: ["default", quietRuntime()],
      // the structured log lines (src/observability/log.ts) are for operators, not test output
      onConsoleLog: (log: string) => (log.startsWith('{"msg":') ? false : undefined),
    },
  };
});
