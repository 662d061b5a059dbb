/** The index entry: register / update, retire, reactivate, and the trigger as readers see it. */
import type { TriggerDef } from "../../src/schemas/trigger";
import { AppError, conflict } from "../../src/errors";
import { hasPlaceholderSecret, keepRedactedSecrets, redactDef } from "../../src/domain/redact";
import { sameJson } from "../../src/domain/stable-json";
import type { TriggerView } from "../../src/contracts/views";
import type { Core, TriggerRow } from "./core";
import { loadEntry, requireEntry, saveEntry } from "./tables/entry";
import { resetCursor } from "./tables/schedule-state";
import { deleteMeta } from "./tables/meta";
import { recordEvent } from "./journal";
import { queueTriggerProjection } from "./projection";
import { currentStats } from "./stats-flush";
import { subscriptionViews } from "./subscribe";
import { nextFireAt } from "./schedule";
import { queuePollSync } from "./poll-member";

function checkVersion(row: TriggerRow | null, ifMatch: number | null): void {
  if (ifMatch === null) return;
  if (!row) throw conflict(`If-Match ${ifMatch} given but the trigger does not exist`, { currentVersion: null });
  if (row.version !== ifMatch) throw conflict(`Version mismatch: If-Match ${ifMatch}, current ${row.version}`, { currentVersion: row.version });
}

/** A schedule starts (or restarts, after a change) from now; its invalid-definition mark is cleared. */
function restartSchedule(core: Core): void {
  resetCursor(core, core.now());
  deleteMeta(core, "schedule_invalid");
}

/**
 * PUT: creates (201) or updates (200). An identical body changes nothing and records nothing.
 * `registeredAt` (a legacy import) dates a created trigger back; never later than now; an update ignores it.
 */
export function register(
  core: Core, tenant: string, name: string, incoming: TriggerDef, ifMatch: number | null, registeredAt: number | null = null,
): { created: boolean; previousPath: string | null } {
  const now = core.now();
  core.ensureSchema();
  return core.tx(() => {
    const row = loadEntry(core);
    checkVersion(row, ifMatch);
    const def = keepRedactedSecrets(incoming, row?.def ?? null) as TriggerDef;
    if (hasPlaceholderSecret(def)) throw new AppError(400, "invalid_request", "A secret holds the redacted placeholder '********' but no secret is stored to keep");
    const previousPath = row?.def.webhook?.path ?? null;
    if (!row) {
      saveEntry(core, {
        tenant, name, def, status: "active", source: def.source ?? "api", version: 1,
        registeredAt: registeredAt === null ? now : Math.min(registeredAt, now), updatedAt: now, lastActivityAt: now, retiredAt: null, retiredReason: null,
      });
      recordEvent(core, "trigger.registered", { type: def.type, version: 1, definition: redactDef(def) });
      if (def.type === "schedule") restartSchedule(core);
      if (def.type === "poll") queuePollSync(core);
      queueTriggerProjection(core);
      return { created: true, previousPath };
    }
    if (row.def.type !== def.type) {
      throw conflict(`Trigger '${name}' is a ${row.def.type} trigger; its type cannot change (retire it and register another name)`);
    }
    if (sameJson(row.def, def)) return { created: false, previousPath };
    const changed = [...new Set([...Object.keys(row.def), ...Object.keys(def)])].filter(
      (k) => !sameJson((row.def as Record<string, unknown>)[k], (def as Record<string, unknown>)[k]),
    );
    const version = row.version + 1;
    saveEntry(core, { ...row, def, version, updatedAt: now, lastActivityAt: now, source: def.source ?? row.source });
    recordEvent(core, "trigger.updated", { version, changed, definition: redactDef(def) });
    // A changed schedule (or a resumed one) starts from now: nothing paused or redefined is caught up.
    if (def.type === "schedule" && changed.includes("schedule")) restartSchedule(core);
    // any update of a poll trigger re-joins its group with the new version (and unpauses a paused group)
    if (def.type === "poll") queuePollSync(core);
    queueTriggerProjection(core);
    return { created: false, previousPath };
  });
}

export function retire(core: Core, reason: string | null, ifMatch: number | null): void {
  const now = core.now();
  core.tx(() => {
    const row = requireEntry(core);
    checkVersion(row, ifMatch);
    if (row.status === "retired") return;
    const version = row.version + 1;
    saveEntry(core, { ...row, status: "retired", retiredAt: now, retiredReason: reason, version, updatedAt: now, lastActivityAt: now });
    recordEvent(core, "trigger.retired", { version, reason });
    if (row.def.type === "poll") queuePollSync(core);
    queueTriggerProjection(core);
  });
}

export function reactivate(core: Core, ifMatch: number | null): void {
  const now = core.now();
  core.tx(() => {
    const row = requireEntry(core);
    checkVersion(row, ifMatch);
    if (row.status !== "retired") return;
    const version = row.version + 1;
    saveEntry(core, { ...row, status: "active", retiredAt: null, retiredReason: null, version, updatedAt: now, lastActivityAt: now });
    recordEvent(core, "trigger.reactivated", { version });
    if (row.def.type === "schedule") restartSchedule(core);
    if (row.def.type === "poll") queuePollSync(core);
    queueTriggerProjection(core);
  });
}

/** The trigger as returned by GET (secrets redacted); webhookUrl is added by the Worker. */
export function view(core: Core): TriggerView {
  const row = requireEntry(core);
  return {
    ...redactDef(row.def),
    name: row.name,
    type: row.def.type,
    scope: "flow" as const,
    status: row.status,
    source: row.source,
    registeredAt: row.registeredAt,
    updatedAt: row.updatedAt,
    lastActivityAt: row.lastActivityAt,
    retiredAt: row.retiredAt,
    retiredReason: row.retiredReason,
    subscriptions: Object.fromEntries(subscriptionViews(core).map(({ flow, ...rest }) => [flow, rest])),
    stats: currentStats(core),
    ...(row.def.type === "schedule" ? { nextFireAt: nextFireAt(core) } : {}),
    version: row.version,
  };
}
