/** The RunObject's SQLite schema: ordered migrations gated by the stored schema version. */
import { applyMigrations, type Migration, type Sql } from "../sql";

/** Callbacks get their order (the ledger reads first attempts by it): existing rows numbered by age. */
function numberCallbacks(sql: Sql): void {
  sql.run(`ALTER TABLE callbacks ADD COLUMN seq INTEGER`);
  const rows = sql.all<{ id: string }>(`SELECT id FROM callbacks ORDER BY created_at, id`);
  rows.forEach((r, i) => sql.run(`UPDATE callbacks SET seq = ? WHERE id = ?`, i + 1, r.id));
}

/** @internal (exported for tests) */
export const RUN_MIGRATIONS: readonly Migration[] = [
  `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID`,
  `CREATE TABLE awaits (
     step TEXT PRIMARY KEY, kind TEXT NOT NULL, request TEXT NOT NULL, status TEXT NOT NULL,
     created_at INTEGER NOT NULL, expires_at INTEGER, settled_at INTEGER, result TEXT,
     token_hash TEXT, callback TEXT) WITHOUT ROWID`,
  `CREATE TABLE callbacks (
     id TEXT PRIMARY KEY, step TEXT NOT NULL, type TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL, next_attempt_at INTEGER, lease_until INTEGER, last_status_code INTEGER, last_error TEXT,
     delivered_at INTEGER) WITHOUT ROWID`,
  `CREATE TABLE outbox (key TEXT PRIMARY KEY, payload TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL, last_error TEXT) WITHOUT ROWID`,
  numberCallbacks,
  // vestigial since callbacks are leased by the ledger's memory, not a column
  `ALTER TABLE callbacks DROP COLUMN lease_until`,
  // The next deadline and the oldest settlement are index seeks: the alarm is re-armed after every change and outcome.
  `CREATE INDEX awaits_waiting ON awaits (expires_at) WHERE status = 'waiting'`,
  `CREATE INDEX awaits_settled ON awaits (settled_at) WHERE status != 'waiting'`,
];

/**
 * What RUN_MIGRATIONS add up to, for a new run (test/integration/schema.test.ts checks they agree).
 * @internal (exported for tests)
 */
export const CURRENT_RUN_SCHEMA: readonly string[] = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID`,
  `CREATE TABLE awaits (step TEXT PRIMARY KEY, kind TEXT NOT NULL, request TEXT NOT NULL, status TEXT NOT NULL, created_at INTEGER NOT NULL,
     expires_at INTEGER, settled_at INTEGER, result TEXT, token_hash TEXT, callback TEXT) WITHOUT ROWID`,
  `CREATE TABLE callbacks (id TEXT PRIMARY KEY, step TEXT NOT NULL, type TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL, next_attempt_at INTEGER, last_status_code INTEGER, last_error TEXT, delivered_at INTEGER, seq INTEGER) WITHOUT ROWID`,
  `CREATE TABLE outbox (key TEXT PRIMARY KEY, payload TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL, last_error TEXT) WITHOUT ROWID`,
  `CREATE INDEX awaits_waiting ON awaits (expires_at) WHERE status = 'waiting'`,
  `CREATE INDEX awaits_settled ON awaits (settled_at) WHERE status != 'waiting'`,
];

/** Brings this object's SQLite up to date. */
export function migrateRun(sql: Sql, storage: DurableObjectStorage): void {
  applyMigrations(sql, storage, RUN_MIGRATIONS, CURRENT_RUN_SCHEMA);
}
