/**
 * The outbox for the D1 projection. Changes queue an outbox row in the same
 * transaction as their stream event; draining applies due rows to D1 in one
 * batch and deletes them (only if unchanged meanwhile); failures back off and
 * the alarm retries, so D1 converges after any failure.
 * Stats are not outbox rows: see markStatsDirty.
 */
import type { Core } from "./core";
import { computeStats } from "./stats";

export const STATS_COALESCE_MS = 5_000;
export const DEFAULT_MAX_BODY = 1024 * 1024;

type OutboxRow = { key: string; payload: string; rev: number; attempts: number };

/** Queues (or replaces) a projection row; call inside the change's transaction. */
export function queueProjection(core: Core, key: string, payload: unknown, dueAt = core.now()): void {
  core.sql.run(
    `INSERT INTO outbox (key, payload, rev, attempts, next_at) VALUES (?, ?, 1, 0, ?)
     ON CONFLICT(key) DO UPDATE SET payload = excluded.payload, rev = outbox.rev + 1, attempts = 0, next_at = min(outbox.next_at, excluded.next_at)`,
    key, JSON.stringify(payload), dueAt,
  );
}

/** Queues the index-entry snapshot for D1. */
export function queueTriggerProjection(core: Core): void {
  queueProjection(core, "d1:0:trigger", { op: "trigger" });
}

/**
 * Marks the D1 stats snapshot stale. Coalesced in memory (no row written per
 * fire, no D1 write per fire): the alarm pushes it within STATS_COALESCE_MS,
 * and the hourly housekeeping pushes it too, so an object evicted before its
 * alarm still converges.
 */
export function markStatsDirty(core: Core): void {
  if (core.statsDueAt === null) core.statsDueAt = core.now() + STATS_COALESCE_MS;
}

/** Pushes the stats snapshot to D1 when due (or when forced). Failures stay dirty for the next alarm. */
export async function flushStats(core: Core, force = false): Promise<void> {
  const t = core.row();
  if (!t || (!force && (core.statsDueAt === null || core.statsDueAt > core.now()))) return;
  const due = core.statsDueAt;
  core.statsDueAt = null;
  try {
    if (core.faults.d1Failures > 0) {
      core.faults.d1Failures--;
      throw new Error("injected D1 failure");
    }
    await core.env.DB.prepare(`UPDATE triggers SET stats = ?, last_activity_at = max(last_activity_at, ?) WHERE tenant = ? AND name = ?`)
      .bind(JSON.stringify(computeStats(core)), lastActivity(core), t.tenant, t.name)
      .run();
  } catch {
    core.statsDueAt = Math.min(core.statsDueAt ?? Infinity, (due ?? core.now()) + STATS_COALESCE_MS, core.now() + STATS_COALESCE_MS);
  }
}

/** The latest activity: the index entry's own time or the newest stream event. */
export function lastActivity(core: Core): number {
  const t = core.requireRow();
  const last = core.sql.one<{ ts: number }>(`SELECT ts FROM events ORDER BY seq DESC LIMIT 1`)?.ts ?? 0;
  return Math.max(t.lastActivityAt, last);
}

function statement(core: Core, row: OutboxRow): D1PreparedStatement | null {
  const db = core.env.DB;
  const t = core.row();
  if (!t) return null;
  const p = JSON.parse(row.payload) as { op: string; flow?: string; mode?: string; targetType?: string; subscribedAt?: number };
  const stats = JSON.stringify(computeStats(core));
  if (p.op === "trigger") {
    const path = t.def.webhook?.path ?? null;
    return db
      .prepare(
        `INSERT INTO triggers (tenant, name, type, status, display_name, webhook_path, webhook_methods, webhook_max_body, registered_at, last_activity_at, stats, version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (tenant, name) DO UPDATE SET type = excluded.type, status = excluded.status, display_name = excluded.display_name,
           webhook_path = excluded.webhook_path, webhook_methods = excluded.webhook_methods, webhook_max_body = excluded.webhook_max_body,
           registered_at = excluded.registered_at,
           last_activity_at = max(triggers.last_activity_at, excluded.last_activity_at), stats = excluded.stats, version = excluded.version
         WHERE excluded.version >= triggers.version`,
      )
      .bind(
        t.tenant, t.name, t.def.type, t.status, t.def.displayName ?? null, path,
        path ? (t.def.webhook?.methods ?? ["POST"]).join(",") : null, path ? t.def.webhook?.maxBodyBytes ?? DEFAULT_MAX_BODY : null,
        t.registeredAt, lastActivity(core), stats, t.version,
      );
  }
  if (p.op === "sub") {
    return db
      .prepare(
        `INSERT INTO subscriptions (tenant, trigger_name, flow, mode, target_type, subscribed_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (tenant, trigger_name, flow) DO UPDATE SET mode = excluded.mode, target_type = excluded.target_type, subscribed_at = excluded.subscribed_at`,
      )
      .bind(t.tenant, t.name, p.flow, p.mode, p.targetType, p.subscribedAt);
  }
  if (p.op === "unsub") {
    return db.prepare(`DELETE FROM subscriptions WHERE tenant = ? AND trigger_name = ? AND flow = ?`).bind(t.tenant, t.name, p.flow);
  }
  return null;
}

/**
 * Applies every due outbox row to D1. Returns false when D1 failed (the rows
 * stay, with backoff, for the alarm to retry).
 */
export async function drainProjection(core: Core): Promise<boolean> {
  const now = core.now();
  const rows = core.sql.all<OutboxRow>(`SELECT key, payload, rev, attempts FROM outbox WHERE key >= 'd1:' AND key < 'd1;' AND next_at <= ? ORDER BY key LIMIT 100`, now);
  if (rows.length === 0) return true;
  const stmts = rows.map((r) => statement(core, r)).filter((s): s is D1PreparedStatement => s !== null);
  try {
    if (core.faults.d1Failures > 0) {
      core.faults.d1Failures--;
      throw new Error("injected D1 failure");
    }
    if (stmts.length) await core.env.DB.batch(stmts);
  } catch (e) {
    core.tx(() => {
      for (const r of rows) {
        const delay = Math.min(1000 * 2 ** r.attempts, 60_000);
        core.sql.run(`UPDATE outbox SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE key = ?`, core.now() + delay, String((e as Error).message).slice(0, 500), r.key);
      }
    });
    return false;
  }
  core.tx(() => {
    for (const r of rows) core.sql.run(`DELETE FROM outbox WHERE key = ? AND rev = ?`, r.key, r.rev);
  });
  return true;
}

/** The earliest due time of the outbox, or null when empty. */
export function nextProjectionDue(core: Core): number | null {
  return core.sql.one<{ t: number | null }>(`SELECT min(next_at) AS t FROM outbox`)?.t ?? null;
}
