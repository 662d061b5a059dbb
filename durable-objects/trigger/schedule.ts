/**
 * Schedule triggers on the object's single alarm. The cursor is the last
 * occurrence handled; each alarm takes the occurrences due since, applies the
 * catch-up policy (late ones become schedule.missed) and the overlap policy,
 * and fires each with an id derived from the trigger and the scheduled time,
 * so a repeated alarm, a catch-up or a backfill never fires one twice.
 */
import { AppError } from "../../src/errors";
import { nextOccurrences, occurrencesAfter, occurrencesBetween, jitterOffsetMs, occurrenceId, type ScheduleSpec } from "../../src/domain/schedule";
import { parseAnchor } from "../../src/domain/schedule/anchor";
import type { Core, TriggerRow } from "./core";
import { checkDedup, writeFire, type FireOutcome } from "./fire";
import { fireDeliveries } from "./fires";
import { listSubscriptions } from "./subscriptions";
import { dedupExpiresAt } from "../../src/domain/idempotency";

/** An occurrence this late (after its jittered time) counts as missed under catchup "none". */
export const ON_TIME_MS = 5_000;
/** At most this many occurrences are enumerated per alarm (a long outage of a per-second cron). */
const MAX_SCAN = 10_000;
const OCC_DEDUP_SECONDS = 400 * 86_400;

type Sched = NonNullable<TriggerRow["def"]["schedule"]> & ScheduleSpec;

export function scheduleOf(row: TriggerRow | null): Sched | null {
  return row && row.def.type === "schedule" && row.def.schedule ? (row.def.schedule as Sched) : null;
}

function anchorOf(row: TriggerRow, s: Sched): number {
  return (s.anchor && parseAnchor(s.anchor)) || row.registeredAt;
}

const seedOf = (row: TriggerRow) => `${row.tenant}:${row.name}`;
const jitterOf = (row: TriggerRow, s: Sched, occ: number) => (s.jitterSeconds ? jitterOffsetMs(seedOf(row), occ, s.jitterSeconds) : 0);

function state(core: Core): { cursor: number; lastFireSeq: number | null } | null {
  const r = core.sql.one<{ cursor: number; last_fire_seq: number | null }>(`SELECT cursor, last_fire_seq FROM schedule_state WHERE id = 1`);
  return r ? { cursor: r.cursor, lastFireSeq: r.last_fire_seq } : null;
}

/** Starts (or restarts) the schedule from now: nothing before now is caught up. Call inside a transaction. */
export function resetScheduleCursor(core: Core): void {
  core.sql.run(
    `INSERT INTO schedule_state (id, cursor, last_fire_seq) VALUES (1, ?, NULL) ON CONFLICT (id) DO UPDATE SET cursor = excluded.cursor`,
    core.now(),
  );
}

const active = (row: TriggerRow | null, s: Sched | null): s is Sched => !!row && !!s && row.status === "active" && s.enabled !== false;

/** The next time the alarm must run for the schedule (next occurrence + jitter), or null. */
export function nextScheduleDue(core: Core): number | null {
  const row = core.row();
  const s = scheduleOf(row);
  if (!active(row, s)) return null;
  const st = state(core);
  if (!st) return null;
  const buffered = core.sql.one(`SELECT 1 AS x FROM schedule_buffer LIMIT 1`);
  const [next] = nextOccurrences(s, st.cursor, 1, anchorOf(row!, s));
  const due = next === undefined ? null : next + jitterOf(row!, s, next);
  // buffered occurrences are released when the running fire settles; poll for it meanwhile
  return buffered ? Math.min(due ?? Infinity, core.now() + 1_000) : due;
}

/** nextFireAt for the trigger view. */
export function nextFireAt(core: Core): number | null {
  const row = core.row();
  const s = scheduleOf(row);
  if (!active(row, s)) return null;
  const st = state(core);
  const [next] = nextOccurrences(s, st?.cursor ?? core.now(), 1, anchorOf(row!, s));
  return next === undefined ? null : next + jitterOf(row!, s, next);
}

/** GET …/schedule?count=N: the next fire times (with jitter). */
export function preview(core: Core, count: number) {
  const row = core.requireRow();
  const s = scheduleOf(row);
  if (!s) throw new AppError(409, "not_a_schedule", `Trigger '${row.name}' is not a schedule trigger`);
  const from = Math.max(state(core)?.cursor ?? 0, core.now());
  return {
    timezone: s.timezone ?? "UTC",
    enabled: s.enabled !== false && row.status === "active",
    next: nextOccurrences(s, from, count, anchorOf(row, s)).map((o) => {
      const at = o + jitterOf(row, s, o);
      return { at, iso: new Date(at).toISOString(), scheduledFor: o };
    }),
  };
}

/** Is any delivery of the last scheduled fire still running (queued, delivering, processing; or delivered to a flow that reports)? */
function running(core: Core, lastFireSeq: number | null): boolean {
  if (lastFireSeq === null) return false;
  const reporting = new Set(listSubscriptions(core).filter((s) => s.reports).map((s) => s.flow));
  return fireDeliveries(core, lastFireSeq).some(
    (d) => d.status === "queued" || d.status === "processing" || (d.status === "delivered" && reporting.has(d.flow)),
  );
}

function fireOccurrence(core: Core, row: TriggerRow, s: Sched, occ: number, extra: Record<string, unknown>, skipReason?: string): FireOutcome | null {
  const key = `occ:${occ}`;
  if (checkDedup(core, key)) return null;
  const now = core.now();
  const jitterMs = jitterOf(row, s, occ);
  const meta = { scheduledFor: occ, jitterMs, latenessMs: Math.max(0, now - (occ + jitterMs)), ...extra };
  const outcome = writeFire(core, row, { data: s.payload ?? {}, source: "schedule", meta, eventId: occurrenceId(seedOf(row), occ) }, skipReason ? { reason: skipReason } : undefined, null);
  core.sql.run(`INSERT OR REPLACE INTO dedup (key, event_id, seq, expires_at) VALUES (?, ?, ?, ?)`, key, outcome.answer.eventId, outcome.answer.seq, dedupExpiresAt(now, OCC_DEDUP_SECONDS));
  if (!skipReason) core.sql.run(`UPDATE schedule_state SET last_fire_seq = ? WHERE id = 1`, outcome.answer.seq);
  return outcome;
}

/** Applies the overlap policy to one on-time occurrence (inside a transaction). */
function fireWithOverlap(core: Core, row: TriggerRow, s: Sched, occ: number, lastFireSeq: number | null, extra: Record<string, unknown>): FireOutcome | null {
  const policy = s.overlap ?? "skip";
  if (policy === "allow_all" || !running(core, lastFireSeq)) return fireOccurrence(core, row, s, occ, extra);
  if (policy === "skip") return fireOccurrence(core, row, s, occ, extra, "overlap");
  if (policy === "buffer_one" || policy === "buffer_all") {
    const buffered = core.sql.one<{ n: number }>(`SELECT count(*) AS n FROM schedule_buffer`)!.n;
    if (policy === "buffer_one" && buffered >= 1) return fireOccurrence(core, row, s, occ, extra, "overlap");
    core.sql.run(`INSERT OR IGNORE INTO schedule_buffer (scheduled_for) VALUES (?)`, occ);
    core.appendEvent("schedule.buffered", { scheduledFor: occ, policy });
    return null;
  }
  // cancel_other: what the running fire has not delivered yet is skipped; the new fire goes out.
  const now = core.now();
  for (const d of fireDeliveries(core, lastFireSeq!)) {
    if (d.status !== "queued") continue;
    core.sql.run(`UPDATE deliveries SET status = 'skipped', reason = 'cancelled_by_overlap', next_attempt_at = NULL, lease_until = NULL, updated_at = ? WHERE id = ?`, now, d.id);
    core.inflight.delete(d.id);
    core.appendEvent("delivery.skipped", { deliveryId: d.id, flow: d.flow, reason: "cancelled_by_overlap" });
  }
  return fireOccurrence(core, row, s, occ, { ...extra, cancelled: lastFireSeq });
}

/** Releases buffered occurrences once nothing is running (oldest first, one at a time). */
function releaseBuffer(core: Core, row: TriggerRow, s: Sched): FireOutcome[] {
  const out: FireOutcome[] = [];
  for (;;) {
    const st = state(core)!;
    if (running(core, st.lastFireSeq)) return out;
    const next = core.sql.one<{ scheduled_for: number }>(`SELECT scheduled_for FROM schedule_buffer ORDER BY scheduled_for LIMIT 1`);
    if (!next) return out;
    core.sql.run(`DELETE FROM schedule_buffer WHERE scheduled_for = ?`, next.scheduled_for);
    const o = fireOccurrence(core, row, s, next.scheduled_for, { buffered: true });
    if (o) out.push(o);
    if (o?.send.length) return out; // wait for this one to settle before the next
  }
}

/**
 * The schedule's part of the alarm: fire what is due, record what was missed,
 * release buffered occurrences. Returns the deliveries to send.
 */
export function runSchedule(core: Core): FireOutcome[] {
  const row = core.row();
  const s = scheduleOf(row);
  if (!active(row, s)) return [];
  return core.tx(() => {
    const st = state(core);
    if (!st) return [];
    const now = core.now();
    const due: number[] = [];
    let scanned = 0;
    for (const occ of occurrencesAfter(s, st.cursor, anchorOf(row!, s))) {
      if (occ + jitterOf(row!, s, occ) > now || ++scanned > MAX_SCAN) break;
      due.push(occ);
    }
    const out: FireOutcome[] = [...releaseBuffer(core, row!, s)];
    if (due.length === 0) return out;
    const catchup = s.catchup ?? "none";
    const windowMs = (s.catchupWindowSeconds ?? 3600) * 1000;
    const lateness = (o: number) => now - (o + jitterOf(row!, s, o));
    let fire: number[];
    if (catchup === "all") fire = due.filter((o) => lateness(o) <= Math.max(windowMs, ON_TIME_MS));
    else if (catchup === "latest") fire = [due[due.length - 1]];
    else fire = due.filter((o) => lateness(o) <= ON_TIME_MS);
    const fireSet = new Set(fire);
    const missed = due.filter((o) => !fireSet.has(o));
    if (missed.length) {
      core.appendEvent("schedule.missed", {
        count: missed.length, ...(scanned > MAX_SCAN ? { atLeast: true } : {}), catchup,
        from: missed[0], to: missed[missed.length - 1], scheduledFor: missed.slice(0, 100),
      });
    }
    let lastFireSeq = st.lastFireSeq;
    for (const occ of fire) {
      const catchUp = lateness(occ) > ON_TIME_MS;
      const o = fireWithOverlap(core, row!, s, occ, lastFireSeq, catchUp ? { catchup: true } : {});
      if (o) {
        out.push(o);
        if (o.answer.status === "accepted") lastFireSeq = o.answer.seq;
      }
    }
    core.sql.run(`UPDATE schedule_state SET cursor = ? WHERE id = 1`, due[due.length - 1]);
    return out;
  });
}

/** After a delivery settles: buffered occurrences may go now. */
export function releaseIfSettled(core: Core): FireOutcome[] {
  const row = core.row();
  const s = scheduleOf(row);
  if (!active(row, s) || !core.sql.one(`SELECT 1 AS x FROM schedule_buffer LIMIT 1`)) return [];
  return core.tx(() => releaseBuffer(core, row!, s));
}

/** POST …/schedule/backfill: fires the occurrences in a past range (at most 1000), skipping ones already fired. */
export function backfill(core: Core, fromMs: number, toMs: number): { outcomes: FireOutcome[]; fired: string[]; alreadyFired: number } {
  const row = core.requireActive();
  const s = scheduleOf(row);
  if (!s) throw new AppError(409, "not_a_schedule", `Trigger '${row.name}' is not a schedule trigger`);
  if (!(fromMs < toMs)) throw new AppError(400, "invalid_request", "'from' must be before 'to'");
  if (toMs > core.now()) throw new AppError(400, "invalid_request", "Backfill fills the past: 'to' must not be in the future");
  const { times, truncated } = occurrencesBetween(s, fromMs, toMs, anchorOf(row, s), 1000);
  if (truncated) throw new AppError(400, "backfill_too_large", "The range holds more than 1000 occurrences; split it");
  return core.tx(() => {
    const outcomes: FireOutcome[] = [];
    let already = 0;
    for (const occ of times) {
      const o = fireOccurrence(core, row, s, occ, { backfill: true });
      if (o) outcomes.push(o);
      else already++;
    }
    return { outcomes, fired: outcomes.map((o) => o.answer.eventId), alreadyFired: already };
  });
}

/** Lateness percentiles of recent scheduled fires, for stats. */
export function scheduleLateness(core: Core): { p50LatenessMs: number | null; p99LatenessMs: number | null } {
  const rows = core.sql.all<{ data: string }>(`SELECT data FROM events WHERE type = 'trigger.fired' ORDER BY seq DESC LIMIT 2000`);
  const l = rows
    .map((r) => JSON.parse(r.data) as { source?: string; latenessMs?: number; backfill?: boolean; buffered?: boolean })
    .filter((d) => d.source === "schedule" && typeof d.latenessMs === "number" && !d.backfill && !d.buffered)
    .map((d) => d.latenessMs!)
    .sort((a, b) => a - b);
  const pct = (p: number) => (l.length ? l[Math.min(l.length - 1, Math.ceil((p / 100) * l.length) - 1)] : null);
  return { p50LatenessMs: pct(50), p99LatenessMs: pct(99) };
}
