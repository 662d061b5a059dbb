/** The `meta` table: small named values (schema version, stats checkpoint, housekeeping marks). */
import type { Core } from "../core";

export function readMeta<T>(core: Core, key: string): T | null {
  const r = core.sql.one<{ value: string }>(`SELECT value FROM meta WHERE key = ?`, key);
  return r ? (JSON.parse(r.value) as T) : null;
}

export function writeMeta(core: Core, key: string, value: unknown): void {
  core.sql.run(`INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)`, key, JSON.stringify(value));
}

export function deleteMeta(core: Core, key: string): void {
  core.sql.run(`DELETE FROM meta WHERE key = ?`, key);
}
