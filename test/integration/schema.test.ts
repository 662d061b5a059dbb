/**
 * A new object creates its schema at once (CURRENT_SCHEMA) instead of
 * replaying every migration; both ways must give the same tables, columns
 * and indexes (compared on SQLite's own stored definitions, whitespace and
 * quoting aside). Runs for the TriggerObject and RunObject schemas.
 */
import { describe, it, expect } from "vitest";
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { Sql, applyMigrations, type Migration } from "../../durable-objects/sql";
import { CURRENT_SCHEMA, MIGRATIONS } from "../../durable-objects/trigger/schema";
import { CURRENT_RUN_SCHEMA, RUN_MIGRATIONS } from "../../durable-objects/run/schema";
import { uniq } from "../helpers";

const normalize = (sql: string) => sql.replace(/"/g, "").replace(/\s+/g, " ").replace(/\(\s+/g, "(").replace(/\s+\)/g, ")").trim();

async function schemaOf(migrations: readonly Migration[], current?: readonly string[]) {
  const stub = env.RUNS.get(env.RUNS.idFromName(`schema:${uniq()}`));
  return (runInDurableObject as any)(stub, (o: any) => {
    const sql = new Sql(o.ctx.storage.sql);
    applyMigrations(sql, o.ctx.storage, migrations, current);
    const rows = sql.all<{ type: string; name: string; sql: string }>(`SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' AND name != '_cf_KV' AND sql IS NOT NULL ORDER BY type, name`);
    const version = sql.one<{ value: string }>(`SELECT value FROM meta WHERE key = 'schema_version'`)?.value;
    return { rows: rows.map((r) => ({ type: r.type, name: r.name, sql: normalize(r.sql) })), version };
  });
}

describe.each([
  ["TriggerObject", MIGRATIONS, CURRENT_SCHEMA],
  ["RunObject", RUN_MIGRATIONS, CURRENT_RUN_SCHEMA],
] as const)("%s schema", (_, migrations, current) => {
  it("a new object's schema equals the one every migration adds up to, at the same version", async () => {
    const replayed = await schemaOf(migrations);
    const fresh = await schemaOf(migrations, current);
    expect(fresh.rows).toEqual(replayed.rows);
    expect(fresh.version).toBe(String(migrations.length));
    expect(replayed.version).toBe(String(migrations.length));
  });
});
