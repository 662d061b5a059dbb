/** The PollGroupObject's SQLite schema: ordered migrations gated by the stored schema version. */
import { applyMigrations, type Sql } from "../sql";

const POLL_MIGRATIONS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID`,
  // one row per trigger of the group: its poll block (headers included) and its version
  `CREATE TABLE members (name TEXT PRIMARY KEY, spec TEXT NOT NULL, version INTEGER NOT NULL, joined_at INTEGER NOT NULL) WITHOUT ROWID`,
  // item ids the group has seen, numbered in the order last seen (the oldest beyond capacity are evicted)
  `CREATE TABLE seen (id TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID`,
  `CREATE INDEX seen_by_n ON seen (n)`,
  // a poll's new items, stored once and referenced by each member's fan-out row
  `CREATE TABLE batches (id INTEGER PRIMARY KEY, items TEXT NOT NULL)`,
  // the fan-out outbox: what each member still has to record, in order (ids never reused: they are the rows' dedup refs)
  `CREATE TABLE fanout (
     id INTEGER PRIMARY KEY AUTOINCREMENT, member TEXT NOT NULL, batch INTEGER, payload TEXT,
     attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL, last_error TEXT)`,
  `CREATE INDEX fanout_by_member ON fanout (member, id)`,
];

/** Brings this object's SQLite up to date. */
export function migratePoll(sql: Sql, storage: DurableObjectStorage): void {
  applyMigrations(sql, storage, POLL_MIGRATIONS);
}
