/** The index entry: register / update, retire, reactivate, and the trigger as readers see it. */
import type { TriggerDef } from "../../src/schemas/trigger";
import { AppError, conflict } from "../../src/errors";
import { hasPlaceholderSecret, keepRedactedSecrets, redactDef } from "../../src/domain/redact";
import type { Core, TriggerRow } from "./core";
import { queueTriggerProjection } from "./projection";
import { computeStats } from "./stats";
import { listSubscriptionViews } from "./subscriptions";
import { resetScheduleCursor, nextFireAt } from "./schedule";

function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v).sort().filter((k) => (v as any)[k] !== undefined).map((k) => `${JSON.stringify(k)}:${stableStringify((v as any)[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

export const sameJson = (a: unknown, b: unknown) => stableStringify(a) === stableStringify(b);

function checkVersion(row: TriggerRow | null, ifMatch: number | null): void {
  if (ifMatch === null) return;
  if (!row) throw conflict(`If-Match ${ifMatch} given but the trigger does not exist`, { currentVersion: null });
  if (row.version !== ifMatch) throw conflict(`Version mismatch: If-Match ${ifMatch}, current ${row.version}`, { currentVersion: row.version });
}

/** PUT: creates (201) or updates (200). An identical body changes nothing and records nothing. */
export function register(core: Core, tenant: string, name: string, incoming: TriggerDef, ifMatch: number | null): { created: boolean } {
  const now = core.now();
  core.ensureSchema();
  return core.tx(() => {
    const row = core.row();
    checkVersion(row, ifMatch);
    const def = keepRedactedSecrets(incoming, row?.def ?? null) as TriggerDef;
    if (hasPlaceholderSecret(def)) throw new AppError(400, "invalid_request", "A secret holds the redacted placeholder '********' but no secret is stored to keep");
    if (!row) {
      core.saveRow({
        tenant, name, def, status: "active", source: def.source ?? "api", version: 1,
        registeredAt: now, updatedAt: now, lastActivityAt: now, retiredAt: null, retiredReason: null,
      });
      core.appendEvent("trigger.registered", { type: def.type, version: 1, definition: redactDef(def) });
      if (def.type === "schedule") resetScheduleCursor(core);
      queueTriggerProjection(core);
      return { created: true };
    }
    if (row.def.type !== def.type) {
      throw conflict(`Trigger '${name}' is a ${row.def.type} trigger; its type cannot change (retire it and register another name)`);
    }
    if (sameJson(row.def, def)) return { created: false };
    const changed = [...new Set([...Object.keys(row.def), ...Object.keys(def)])].filter(
      (k) => !sameJson((row.def as any)[k], (def as any)[k]),
    );
    const version = row.version + 1;
    core.saveRow({ ...row, def, version, updatedAt: now, lastActivityAt: now, source: def.source ?? row.source });
    core.appendEvent("trigger.updated", { version, changed, definition: redactDef(def) });
    // A changed schedule (or a resumed one) starts from now: nothing paused or redefined is caught up.
    if (def.type === "schedule" && changed.includes("schedule")) resetScheduleCursor(core);
    queueTriggerProjection(core);
    return { created: false };
  });
}

export function retire(core: Core, reason: string | null, ifMatch: number | null): void {
  const now = core.now();
  core.tx(() => {
    const row = core.requireRow();
    checkVersion(row, ifMatch);
    if (row.status === "retired") return;
    const version = row.version + 1;
    core.saveRow({ ...row, status: "retired", retiredAt: now, retiredReason: reason, version, updatedAt: now, lastActivityAt: now });
    core.appendEvent("trigger.retired", { version, reason });
    queueTriggerProjection(core);
  });
}

export function reactivate(core: Core, ifMatch: number | null): void {
  const now = core.now();
  core.tx(() => {
    const row = core.requireRow();
    checkVersion(row, ifMatch);
    if (row.status !== "retired") return;
    const version = row.version + 1;
    core.saveRow({ ...row, status: "active", retiredAt: null, retiredReason: null, version, updatedAt: now, lastActivityAt: now });
    core.appendEvent("trigger.reactivated", { version });
    if (row.def.type === "schedule") resetScheduleCursor(core);
    queueTriggerProjection(core);
  });
}

/** Bumps the version for a change to the entry's subscriptions (call inside a transaction). */
export function touch(core: Core): number {
  const row = core.requireRow();
  const now = core.now();
  const version = row.version + 1;
  core.saveRow({ ...row, version, updatedAt: now, lastActivityAt: now });
  queueTriggerProjection(core);
  return version;
}

/** The trigger as returned by GET (secrets redacted); webhookUrl is added by the Worker. */
export function view(core: Core, extra: Record<string, unknown> = {}) {
  const row = core.requireRow();
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
    subscriptions: Object.fromEntries(listSubscriptionViews(core).map(({ flow, ...rest }) => [flow, rest])),
    stats: computeStats(core),
    ...(row.def.type === "schedule" ? { nextFireAt: nextFireAt(core) } : {}),
    ...extra,
    version: row.version,
  };
}
