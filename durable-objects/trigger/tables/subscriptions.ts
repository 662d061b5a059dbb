/** The `subscriptions` table: one row per subscribed flow, cached on the Core (a fire reads it every time). */
import type { Core, SecretRotation, Subscription } from "../core";

type RawSub = { flow: string; mode: string; target: string; retry: string; subscribed_at: number; checkpoint: number; reports: number; rotation: string | null; shaping: string | null };

const parse = (r: RawSub): Subscription => ({
  flow: r.flow, mode: r.mode as Subscription["mode"], target: JSON.parse(r.target), retry: JSON.parse(r.retry),
  subscribedAt: r.subscribed_at, checkpoint: r.checkpoint, reports: r.reports === 1, rotation: r.rotation ? JSON.parse(r.rotation) : null,
  shaping: r.shaping ? JSON.parse(r.shaping) : null,
});

const secretOf = (s: Subscription | null) => (s?.target.type === "http" ? s.target.secret : undefined);

/** Every subscription, ordered by flow. */
export function allSubscriptions(core: Core): Subscription[] {
  if (!core.ready) return [];
  core.cachedSubs ??= core.sql.all<RawSub>(`SELECT * FROM subscriptions ORDER BY flow`).map(parse);
  return core.cachedSubs;
}

export function findSubscription(core: Core, flow: string): Subscription | null {
  return allSubscriptions(core).find((s) => s.flow === flow) ?? null;
}

/**
 * Writes a subscription. A secret rotation belongs to the secret it was made
 * for: unless `s.rotation` says otherwise, it outlives a change that keeps
 * that secret and ends with one that replaces it.
 */
export function saveSubscription(core: Core, s: Subscription, at: number): void {
  let rotation = s.rotation;
  if (rotation === undefined) {
    const old = findSubscription(core, s.flow);
    rotation = old?.rotation && secretOf(old) !== undefined && secretOf(old) === secretOf(s) ? old.rotation : null;
  }
  core.sql.run(
    `INSERT OR REPLACE INTO subscriptions (flow, mode, target, retry, subscribed_at, updated_at, checkpoint, reports, rotation, shaping) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    s.flow, s.mode, JSON.stringify(s.target), JSON.stringify(s.retry), s.subscribedAt, at, s.checkpoint, s.reports ? 1 : 0, rotation ? JSON.stringify(rotation) : null,
    s.shaping ? JSON.stringify(s.shaping) : null,
  );
  core.cachedSubs = undefined;
}

export function deleteSubscription(core: Core, flow: string): void {
  core.sql.run(`DELETE FROM subscriptions WHERE flow = ?`, flow);
  core.cachedSubs = undefined;
}

export function setCheckpoint(core: Core, flow: string, checkpoint: number): void {
  core.sql.run(`UPDATE subscriptions SET checkpoint = ? WHERE flow = ?`, checkpoint, flow);
  core.cachedSubs = undefined;
}

/** Remembers that a flow reports statuses (written once per flow). */
export function markReports(core: Core, flow: string): void {
  if (findSubscription(core, flow)?.reports !== false) return;
  core.sql.run(`UPDATE subscriptions SET reports = 1 WHERE flow = ? AND reports = 0`, flow);
  core.cachedSubs = undefined;
}

/** The rotation still in its overlap at `now`, or null. */
export function liveRotation(s: Pick<Subscription, "rotation">, now: number): SecretRotation | null {
  return s.rotation && s.rotation.until > now ? s.rotation : null;
}
