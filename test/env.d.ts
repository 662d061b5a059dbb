/** Bindings as the tests see them: the Worker's bindings plus the test-only migrations. */
declare namespace Cloudflare {
  interface Env {
    TRIGGERS: DurableObjectNamespace;
    RUNS: DurableObjectNamespace;
    POLL_GROUPS: DurableObjectNamespace;
    FLOW_GATES: DurableObjectNamespace;
    DB: D1Database;
    DELIVERIES: Queue;
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
  }
}
