/**
 * A thin layer over ctx.storage.sql: every value is a bound parameter, and
 * rows written and read are counted (what a fire costs on Cloudflare).
 */
export type Row = Record<string, SqlStorageValue>;

export class Sql {
  /** Running totals of rows written and read since the object started (exposed in stats). */
  rowsWritten = 0;
  rowsRead = 0;
  /** Statements executed since the object started (each costs the runtime a call, whatever it reads). */
  statements = 0;

  constructor(private readonly sql: SqlStorage) {}

  /** Runs a statement and returns all rows. */
  all<T = Row>(query: string, ...params: unknown[]): T[] {
    this.statements++;
    const cursor = this.sql.exec(query, ...(params as SqlStorageValue[]));
    const rows = cursor.toArray() as T[];
    this.rowsWritten += cursor.rowsWritten;
    this.rowsRead += cursor.rowsRead;
    return rows;
  }

  /** Runs a statement and returns the first row, or null. */
  one<T = Row>(query: string, ...params: unknown[]): T | null {
    return this.all<T>(query, ...params)[0] ?? null;
  }

  /** Runs a statement for its effect; returns rows written. */
  run(query: string, ...params: unknown[]): number {
    this.statements++;
    const cursor = this.sql.exec(query, ...(params as SqlStorageValue[]));
    for (const _ of cursor) void _;
    this.rowsWritten += cursor.rowsWritten;
    this.rowsRead += cursor.rowsRead;
    return cursor.rowsWritten;
  }
}

/**
 * Applies an ordered migration list gated by the schema version stored in
 * `meta` (the first entry must create `meta`), all in one transaction.
 * A migration is one SQL statement or a function (for data moves).
 * Append new migrations; never edit applied ones.
 *
 * `schema`, when given, is the schema every migration adds up to, written
 * out: a new object creates it in one statement instead of replaying the
 * history. Replaying it (tables rebuilt, columns added) left each object
 * holding about 300 KB of the runtime's SQLite memory, whose limit is per
 * process (512 MiB in the local runtime): about 1,500 objects touched
 * within seconds were enough to exhaust it. A test checks that both ways
 * give the same schema.
 */
export type Migration = string | ((sql: Sql) => void);

export function applyMigrations(sql: Sql, storage: DurableObjectStorage, migrations: readonly Migration[], schema?: readonly string[]): void {
  storage.transactionSync(() => {
    if (schema && !hasSchema(sql)) {
      sql.run([...schema, `INSERT INTO meta (key, value) VALUES ('schema_version', '${migrations.length}')`].join(";\n"));
      return;
    }
    sql.run(migrations[0] as string);
    const row = sql.one<{ value: string }>(`SELECT value FROM meta WHERE key = 'schema_version'`);
    const current = row ? Number(row.value) : 0;
    for (let v = Math.max(current, 1); v < migrations.length; v++) {
      const m = migrations[v];
      if (typeof m === "string") sql.run(m);
      else m(sql);
    }
    if (current < migrations.length) sql.run(`INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)`, String(migrations.length));
  });
}

/** Whether this object has ever been written (its schema exists). Reading this writes nothing. */
export function hasSchema(sql: Sql): boolean {
  return sql.one(`SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = 'meta'`) !== null;
}

/**
 * Re-entrant transactions over `transactionSync` with commit hooks: an inner
 * call joins the outer one; hooks registered with onCommit run after the
 * outermost commit and are dropped (with `onRollback` called) if it throws.
 * Every object's core keeps one.
 */
export class TxScope {
  private readonly commits: (() => void)[][] = [];
  /** Outermost transactions committed since the object started (each a commit of its own unless the runtime joins them). */
  committed = 0;

  constructor(private readonly storage: DurableObjectStorage) {}

  run<T>(fn: () => T, onRollback?: () => void): T {
    if (this.commits.length > 0) return fn();
    this.commits.push([]);
    let result: T;
    try {
      result = this.storage.transactionSync(fn);
    } catch (e) {
      this.commits.pop();
      onRollback?.();
      throw e;
    }
    this.committed++;
    for (const hook of this.commits.pop()!) hook();
    return result;
  }

  /** Runs `hook` once the current transaction commits (at once outside a transaction). */
  onCommit(hook: () => void): void {
    const top = this.commits[this.commits.length - 1];
    if (top) top.push(hook);
    else hook();
  }
}
