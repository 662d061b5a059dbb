/**
 * The inbox's open rows as this instance knows them, so the drain after a
 * webhook's answer processes what the ingress just stored without reading
 * it back from SQLite (bodies and headers, every pass). A shortcut bounded
 * in bytes, never a store: null means unknown (a fresh instance, a
 * rolled-back transaction, a row that failed, or more bytes than the budget),
 * and the drain then reads SQLite; once a pass from SQLite has closed every
 * open row, the set is known again (empty) and fills as requests commit.
 */
import type { InboxRow } from "./tables/inbox-row";

const OPEN_ROWS_BYTES = 4 * 1024 * 1024;

const sizeOf = (r: InboxRow) => r.body.byteLength + r.headers.length + r.query.length + r.event_id.length + 64;

export class OpenRows {
  private rows: InboxRow[] | null = null;
  private bytes = 0;

  constructor(private readonly budget = OPEN_ROWS_BYTES) {}

  /** A row committed pending (after every row known open: ids only grow). */
  added(row: InboxRow): void {
    if (!this.rows) return;
    this.rows.push(row);
    this.bytes += sizeOf(row);
    if (this.bytes > this.budget) this.forget();
  }

  /** The oldest `limit` open rows (null: unknown, read SQLite). */
  oldest(limit: number): InboxRow[] | null {
    return this.rows ? this.rows.slice(0, limit) : null;
  }

  /** Row `id` is no longer open (completed or failed); anything but the oldest known row makes the set unknown. */
  closed(id: number): void {
    if (!this.rows) return;
    if (this.rows[0]?.id !== id) return this.forget();
    this.bytes -= sizeOf(this.rows.shift()!);
  }

  /** No row is open: a pass read every open row from SQLite and closed them all. */
  empty(): void {
    this.rows = [];
    this.bytes = 0;
  }

  forget(): void {
    this.rows = null;
    this.bytes = 0;
  }
}
