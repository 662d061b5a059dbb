/** Reading the append-only stream: after a seq, optionally by type, with cursor pagination. */
import type { Core } from "./core";

export type StreamEvent = { seq: number; id: string; type: string; ts: number; data: unknown };

function shape(core: Core, r: { seq: number; id: string; type: string; ts: number; data: string }): StreamEvent {
  const data = JSON.parse(r.data) as Record<string, unknown> | null;
  const hide = core.requireRow().def.config?.persistData === false && data && "payload" in data;
  if (hide) delete data.payload;
  return { seq: r.seq, id: r.id, type: r.type, ts: r.ts, data };
}

export function readEvents(core: Core, after: number, limit: number, types: string[] | null): { events: StreamEvent[]; nextCursor: string | null } {
  core.requireRow();
  const typeFilter = types && types.length ? `AND type IN (${types.map(() => "?").join(",")})` : "";
  const rows = core.sql.all<{ seq: number; id: string; type: string; ts: number; data: string }>(
    `SELECT seq, id, type, ts, data FROM events WHERE seq > ? ${typeFilter} ORDER BY seq LIMIT ?`,
    after, ...(types ?? []), limit + 1,
  );
  const page = rows.slice(0, limit).map((r) => shape(core, r));
  return { events: page, nextCursor: rows.length > limit ? String(page[page.length - 1].seq) : null };
}
