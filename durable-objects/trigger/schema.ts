/**
 * The TriggerObject's SQLite schema as an ordered migration list, gated by the
 * schema version stored in `meta`. Append new migrations; never edit old ones.
 *
 * Write-cost notes: tables keyed by text are WITHOUT ROWID (no second index
 * row), nothing uses AUTOINCREMENT (it writes a sequence row), the events
 * table has no secondary index (ids encode where to find them), and the only
 * indexes on deliveries are partial (rows enter them when they fail, die or
 * wait for a retry).
 */
import { applyMigrations, type Migration, type Sql } from "../sql";
import { parseDeliveryId } from "../../src/contracts/ids";
import { equalityProbe } from "../../src/domain/match";

/**
 * Deliveries keyed by (fire seq, number) instead of their id: a fire's
 * deliveries, the open window and retention become primary-key range reads.
 * The id still names the row (it is parsed back to the key).
 */
function rekeyDeliveries(sql: Sql): void {
  sql.run(`CREATE TABLE deliveries_v2 (
     event_seq INTEGER NOT NULL, n INTEGER NOT NULL, id TEXT NOT NULL, flow TEXT NOT NULL, status TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0, fired_at INTEGER NOT NULL, next_attempt_at INTEGER, lease_until INTEGER,
     last_status_code INTEGER, last_error TEXT, delivered_at INTEGER, latency_ms INTEGER,
     reason TEXT, output TEXT, updated_at INTEGER NOT NULL, PRIMARY KEY (event_seq, n)) WITHOUT ROWID`);
  for (const r of sql.all<{ id: string }>(`SELECT id FROM deliveries`)) {
    const key = parseDeliveryId(r.id);
    if (!key) continue;
    sql.run(
      `INSERT OR IGNORE INTO deliveries_v2 SELECT event_seq, ?, id, flow, status, attempts, fired_at, next_attempt_at, lease_until,
         last_status_code, last_error, delivered_at, latency_ms, reason, output, updated_at FROM deliveries WHERE id = ?`,
      key.n, r.id,
    );
  }
  sql.run(`DROP TABLE deliveries`);
  sql.run(`ALTER TABLE deliveries_v2 RENAME TO deliveries`);
}

/**
 * Fills the probe of waiters stored before probes existed (a schema migration, once).
 * @internal (exported for tests)
 */
export function backfillProbes(sql: Sql): void {
  for (const w of sql.all<{ run_id: string; step: string; match: string }>(`SELECT run_id, step, match FROM waiters`)) {
    const probe = equalityProbe(JSON.parse(w.match) as Record<string, unknown>);
    if (probe) sql.run(`UPDATE waiters SET probe_path = ?, probe_value = ? WHERE run_id = ? AND step = ?`, probe.path, probe.key, w.run_id, w.step);
  }
}

/** @internal (exported for tests) */
export const MIGRATIONS: readonly Migration[] = [
  `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID`,
  `CREATE TABLE trigger (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     tenant TEXT NOT NULL, name TEXT NOT NULL, def TEXT NOT NULL,
     status TEXT NOT NULL, source TEXT NOT NULL, version INTEGER NOT NULL,
     registered_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, last_activity_at INTEGER NOT NULL,
     retired_at INTEGER, retired_reason TEXT)`,
  `CREATE TABLE events (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, type TEXT NOT NULL, ts INTEGER NOT NULL, data TEXT)`,
  `CREATE TABLE subscriptions (
     flow TEXT PRIMARY KEY, mode TEXT NOT NULL, target TEXT NOT NULL, retry TEXT NOT NULL,
     subscribed_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, checkpoint INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID`,
  `CREATE TABLE deliveries (
     id TEXT PRIMARY KEY, event_seq INTEGER NOT NULL, flow TEXT NOT NULL, status TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0, fired_at INTEGER NOT NULL, next_attempt_at INTEGER, lease_until INTEGER,
     last_status_code INTEGER, last_error TEXT, delivered_at INTEGER, latency_ms INTEGER,
     reason TEXT, output TEXT, updated_at INTEGER NOT NULL) WITHOUT ROWID`,
  `CREATE TABLE dedup (key TEXT PRIMARY KEY, event_id TEXT NOT NULL, seq INTEGER NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID`,
  `CREATE TABLE rate_window (id INTEGER PRIMARY KEY CHECK (id = 1), window_start INTEGER NOT NULL, count INTEGER NOT NULL)`,
  `CREATE TABLE outbox (key TEXT PRIMARY KEY, payload TEXT NOT NULL, rev INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
     next_at INTEGER NOT NULL, last_error TEXT) WITHOUT ROWID`,
  // Webhook inbox: durable before the 202; processed after the answer (outbox/alarm driven).
  `CREATE TABLE inbox (
     id INTEGER PRIMARY KEY, event_id TEXT NOT NULL, received_at INTEGER NOT NULL, method TEXT NOT NULL,
     headers TEXT NOT NULL, query TEXT NOT NULL, body BLOB NOT NULL, source_ip TEXT, status TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0, event_seq INTEGER, error TEXT, updated_at INTEGER NOT NULL)`,
  // Schedules: the cursor (last occurrence handled), the last scheduled fire (for overlap) and buffered occurrences.
  `CREATE TABLE schedule_state (id INTEGER PRIMARY KEY CHECK (id = 1), cursor INTEGER NOT NULL, last_fire_seq INTEGER)`,
  `CREATE TABLE schedule_buffer (scheduled_for INTEGER PRIMARY KEY)`,
  // Flows that have ever reported a delivery's status: overlap waits for their completed/failed.
  `ALTER TABLE subscriptions ADD COLUMN reports INTEGER NOT NULL DEFAULT 0`,
  // Event awaits waiting for this trigger (not subscriptions).
  `CREATE TABLE waiters (run_id TEXT NOT NULL, step TEXT NOT NULL, match TEXT NOT NULL, expires_at INTEGER NOT NULL, PRIMARY KEY (run_id, step)) WITHOUT ROWID`,
  // The inbox kept the dedup key it wrote (to fill in the seq by primary key; no longer
  // written: nothing reads a webhook key's seq), and a partial index over the rows still
  // to process (entries leave it when completed).
  `ALTER TABLE inbox ADD COLUMN dedup_key TEXT`,
  `CREATE INDEX inbox_open ON inbox (id) WHERE status IN ('pending', 'processing')`,
  rekeyDeliveries,
  // `fires?status=failed|dead` reads an index; other statuses read a bounded window of fires.
  `CREATE INDEX deliveries_bad ON deliveries (status, event_seq) WHERE status IN ('failed', 'dead')`,
  // A delivered outcome recorded without a stream event carries its number, so a restart can count it.
  `ALTER TABLE deliveries ADD COLUMN settled_seq INTEGER`,
  // An idempotency key remembers a hash of the payload it recorded: the same key with other data is a 409.
  `ALTER TABLE dedup ADD COLUMN fingerprint TEXT`,
  // A secret rotation's overlap: the previous secret and until when deliveries are signed with it too (JSON, null: none).
  `ALTER TABLE subscriptions ADD COLUMN rotation TEXT`,
  // The ledger's due retries: queued rows that have been attempted (a first attempt is in no index).
  `CREATE INDEX deliveries_retry ON deliveries (flow, next_attempt_at) WHERE status = 'queued' AND attempts > 0`,
  // Each delivery lane's kept state (breaker, Retry-After hold, standing), written only when it changes.
  `CREATE TABLE lanes (lane TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at INTEGER NOT NULL) WITHOUT ROWID`,
  // Nothing is given up any more: outbox rows an earlier version parked (next_at = MAX_SAFE_INTEGER) are retried.
  `UPDATE outbox SET next_at = 0 WHERE next_at >= 9007199254740991`,
  // Housekeeping finds expired dedup keys (and the next expiry) without reading the live ones.
  `CREATE INDEX dedup_by_expiry ON dedup (expires_at)`,
  // A waiter is found by the scalar its match needs at one path (tables/waiters.ts): a fire reads its candidates only.
  `ALTER TABLE waiters ADD COLUMN probe_path TEXT`,
  `ALTER TABLE waiters ADD COLUMN probe_value TEXT`,
  backfillProbes,
  `CREATE INDEX waiters_by_probe ON waiters (probe_path, probe_value)`,
  // vestigial since deliveries are leased by the ledger's memory, not a column
  `ALTER TABLE deliveries DROP COLUMN lease_until`,
  // POST /v1/flows/{flow}/recover replays a dead or failed delivery once: the ones it replayed
  `CREATE TABLE recovered (id TEXT PRIMARY KEY) WITHOUT ROWID`,
  // Shaping per subscription (./shaping.ts): the ordering key of a delivery, a hold (debounce: until a time;
  // ordering: until the key's earlier delivery settles), the fires a debounced delivery stands for, a batch's fires
  `ALTER TABLE subscriptions ADD COLUMN shaping TEXT`,
  `ALTER TABLE deliveries ADD COLUMN shape_key TEXT`,
  `ALTER TABLE deliveries ADD COLUMN hold_until INTEGER`,
  `ALTER TABLE deliveries ADD COLUMN debounced INTEGER`,
  `ALTER TABLE deliveries ADD COLUMN members TEXT`,
  `CREATE INDEX deliveries_by_key ON deliveries (flow, shape_key, event_seq, n) WHERE status = 'queued' AND shape_key IS NOT NULL`,
  `CREATE INDEX deliveries_held ON deliveries (hold_until) WHERE status = 'queued' AND hold_until IS NOT NULL`,
  `CREATE TABLE shape_keys (flow TEXT NOT NULL, key TEXT NOT NULL, last_at INTEGER NOT NULL, burst_at INTEGER NOT NULL, pending TEXT,
     folded INTEGER NOT NULL DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (flow, key)) WITHOUT ROWID`,
];

/**
 * What MIGRATIONS add up to, for a new object (test/integration/schema.test.ts checks they agree).
 * @internal (exported for tests)
 */
export const CURRENT_SCHEMA: readonly string[] = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID`,
  `CREATE TABLE trigger (id INTEGER PRIMARY KEY CHECK (id = 1), tenant TEXT NOT NULL, name TEXT NOT NULL, def TEXT NOT NULL,
     status TEXT NOT NULL, source TEXT NOT NULL, version INTEGER NOT NULL, registered_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
     last_activity_at INTEGER NOT NULL, retired_at INTEGER, retired_reason TEXT)`,
  `CREATE TABLE events (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, type TEXT NOT NULL, ts INTEGER NOT NULL, data TEXT)`,
  `CREATE TABLE subscriptions (flow TEXT PRIMARY KEY, mode TEXT NOT NULL, target TEXT NOT NULL, retry TEXT NOT NULL, subscribed_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL, checkpoint INTEGER NOT NULL DEFAULT 0, reports INTEGER NOT NULL DEFAULT 0, rotation TEXT, shaping TEXT) WITHOUT ROWID`,
  `CREATE TABLE dedup (key TEXT PRIMARY KEY, event_id TEXT NOT NULL, seq INTEGER NOT NULL, expires_at INTEGER NOT NULL, fingerprint TEXT) WITHOUT ROWID`,
  `CREATE INDEX dedup_by_expiry ON dedup (expires_at)`,
  `CREATE TABLE rate_window (id INTEGER PRIMARY KEY CHECK (id = 1), window_start INTEGER NOT NULL, count INTEGER NOT NULL)`,
  `CREATE TABLE outbox (key TEXT PRIMARY KEY, payload TEXT NOT NULL, rev INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
     next_at INTEGER NOT NULL, last_error TEXT) WITHOUT ROWID`,
  `CREATE TABLE inbox (id INTEGER PRIMARY KEY, event_id TEXT NOT NULL, received_at INTEGER NOT NULL, method TEXT NOT NULL, headers TEXT NOT NULL,
     query TEXT NOT NULL, body BLOB NOT NULL, source_ip TEXT, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, event_seq INTEGER,
     error TEXT, updated_at INTEGER NOT NULL, dedup_key TEXT)`,
  `CREATE INDEX inbox_open ON inbox (id) WHERE status IN ('pending', 'processing')`,
  `CREATE TABLE schedule_state (id INTEGER PRIMARY KEY CHECK (id = 1), cursor INTEGER NOT NULL, last_fire_seq INTEGER)`,
  `CREATE TABLE schedule_buffer (scheduled_for INTEGER PRIMARY KEY)`,
  `CREATE TABLE waiters (run_id TEXT NOT NULL, step TEXT NOT NULL, match TEXT NOT NULL, expires_at INTEGER NOT NULL, probe_path TEXT,
     probe_value TEXT, PRIMARY KEY (run_id, step)) WITHOUT ROWID`,
  `CREATE INDEX waiters_by_probe ON waiters (probe_path, probe_value)`,
  `CREATE TABLE deliveries (event_seq INTEGER NOT NULL, n INTEGER NOT NULL, id TEXT NOT NULL, flow TEXT NOT NULL, status TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0, fired_at INTEGER NOT NULL, next_attempt_at INTEGER, last_status_code INTEGER, last_error TEXT,
     delivered_at INTEGER, latency_ms INTEGER, reason TEXT, output TEXT, updated_at INTEGER NOT NULL, settled_seq INTEGER,
     shape_key TEXT, hold_until INTEGER, debounced INTEGER, members TEXT, PRIMARY KEY (event_seq, n)) WITHOUT ROWID`,
  `CREATE INDEX deliveries_by_key ON deliveries (flow, shape_key, event_seq, n) WHERE status = 'queued' AND shape_key IS NOT NULL`,
  `CREATE INDEX deliveries_held ON deliveries (hold_until) WHERE status = 'queued' AND hold_until IS NOT NULL`,
  `CREATE INDEX deliveries_bad ON deliveries (status, event_seq) WHERE status IN ('failed', 'dead')`,
  `CREATE INDEX deliveries_retry ON deliveries (flow, next_attempt_at) WHERE status = 'queued' AND attempts > 0`,
  `CREATE TABLE lanes (lane TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at INTEGER NOT NULL) WITHOUT ROWID`,
  `CREATE TABLE recovered (id TEXT PRIMARY KEY) WITHOUT ROWID`,
  `CREATE TABLE shape_keys (flow TEXT NOT NULL, key TEXT NOT NULL, last_at INTEGER NOT NULL, burst_at INTEGER NOT NULL, pending TEXT,
     folded INTEGER NOT NULL DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (flow, key)) WITHOUT ROWID`,
];

/** Brings this object's SQLite up to date (a new object gets CURRENT_SCHEMA at once). */
export function migrate(sql: Sql, storage: DurableObjectStorage): void {
  applyMigrations(sql, storage, MIGRATIONS, CURRENT_SCHEMA);
}
