/** The RunObject's SQLite schema: ordered migrations gated by the stored schema version. */
import type { Sql } from "../sql";

export const RUN_MIGRATIONS: readonly string[] = [
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
];

export function migrateRun(sql: Sql, storage: DurableObjectStorage): void {
  storage.transactionSync(() => {
    sql.run(RUN_MIGRATIONS[0]);
    const row = sql.one<{ value: string }>(`SELECT value FROM meta WHERE key = 'schema_version'`);
    const current = row ? Number(row.value) : 0;
    for (let v = Math.max(current, 1); v < RUN_MIGRATIONS.length; v++) sql.run(RUN_MIGRATIONS[v]);
    if (current < RUN_MIGRATIONS.length) sql.run(`INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)`, String(RUN_MIGRATIONS.length));
  });
}
