/** The `trigger` table: the index entry (one row), cached on the Core. */
import { AppError, TRIGGER_NOT_FOUND } from "../../../src/errors";
import type { TriggerStatus } from "../../../src/contracts/views";
import type { Core, TriggerRow } from "../core";

type RawRow = {
  tenant: string; name: string; def: string; status: string; source: string; version: number;
  registered_at: number; updated_at: number; last_activity_at: number; retired_at: number | null; retired_reason: string | null;
};

/** The index entry, or null when the trigger was never registered. */
export function loadEntry(core: Core): TriggerRow | null {
  if (core.cachedRow !== undefined) return core.cachedRow;
  if (!core.ready) return null;
  const r = core.sql.one<RawRow>(`SELECT * FROM trigger WHERE id = 1`);
  core.cachedRow = r
    ? {
        tenant: r.tenant, name: r.name, def: JSON.parse(r.def), status: r.status as TriggerStatus, source: r.source,
        version: r.version, registeredAt: r.registered_at, updatedAt: r.updated_at, lastActivityAt: r.last_activity_at,
        retiredAt: r.retired_at, retiredReason: r.retired_reason,
      }
    : null;
  return core.cachedRow;
}

/** The index entry; 404 when missing. */
export function requireEntry(core: Core): TriggerRow {
  const r = loadEntry(core);
  if (!r) throw new AppError(404, "not_found", TRIGGER_NOT_FOUND);
  return r;
}

/** The index entry of a trigger that may take fires; 404 / 410 otherwise. */
export function requireActiveEntry(core: Core): TriggerRow {
  const r = requireEntry(core);
  if (r.status === "retired") {
    throw new AppError(410, "trigger_retired", `Trigger '${r.name}' is retired: reactivate it with POST /v1/triggers/${r.name}/reactivate`);
  }
  return r;
}

/** Writes the index entry (inside a transaction). */
export function saveEntry(core: Core, r: TriggerRow): void {
  core.sql.run(
    `INSERT OR REPLACE INTO trigger (id, tenant, name, def, status, source, version, registered_at, updated_at, last_activity_at, retired_at, retired_reason)
     VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    r.tenant, r.name, JSON.stringify(r.def), r.status, r.source, r.version, r.registeredAt, r.updatedAt, r.lastActivityAt, r.retiredAt, r.retiredReason,
  );
  core.cachedRow = r;
}
