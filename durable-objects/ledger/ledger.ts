/**
 * The one delivery ledger, shared by trigger deliveries and await callbacks.
 * Its rows live in the owner's SQLite (the LedgerStore says how); memory
 * holds only a window: per lane (a subscription, or a run's callbacks) the
 * deliveries in flight (at most the lane's cap, 64 by default), a cursor
 * into the first attempts (key order, SQLite reads them a page at a time)
 * and when its next retry is due (a partial index finds due retries). A
 * backlog of any size stays in SQLite and costs a fire nothing.
 *
 * A lane only hands over while its breaker is closed and no Retry-After
 * holds it; an open breaker lets one probe through per cooldown and its
 * waiting deliveries keep their attempts. First attempts of a lane that
 * answers at once go to the fast queue's shards; retries, probes and slow lanes use
 * the slow queue, so a slow flow never holds up the others. Lost messages
 * are found by barriers (./barriers.ts).
 *
 * This file is the ledger's API; the lanes in memory are ./window.ts, the
 * hand-over ./hand-over.ts, outcomes and lane protection ./outcomes.ts.
 */
import { breakerView, FRESH_LANE, isHeld, probeDueAt, type LaneState } from "../../src/domain/delivery-lane";
import type { AttemptRef, OutcomeItem } from "../../src/contracts/rpc";
import type { LaneView } from "../../src/contracts/views";
import { append } from "./lane";
import { LaneWindow } from "./window";
import { handOver } from "./hand-over";
import { recordOutcomes } from "./outcomes";


export class Ledger extends LaneWindow {
  /** A delivery was created queued (call after its transaction commits): it joins its lane's known tail, or a cursor past it goes back. */
  track(lane: string, key: readonly [number, number], id: string, dueAt: number): void {
    const l = this.sync().get(lane);
    if (l) append(l, { id, lane, key, status: "queued", attempts: 0, dueAt, timeoutMs: this.store.timeoutOf(lane) });
  }

  /** The lane's flow gate has room again (or its policy changed): the lane asks at the next hand-over. */
  gateWake(lane: string): void {
    const l = this.lanes?.get(lane);
    if (l) l.gateRetryAt = null;
  }

  /** The lane's target changed: it starts closed, unheld and fast again (its kept state is deleted with it). */
  resetLane(lane: string): void {
    const l = this.lanes?.get(lane);
    if (!l) return;
    l.state = FRESH_LANE;
    l.smoothedMs = null;
    l.retryCheckAt = 0;
  }

  /** A delivery settled outside the ledger (skipped, reported, dead-lettered). */
  forget(id: string): void {
    const lane = this.lanes ? this.laneOf(id) : undefined;
    if (lane) this.release(lane, id);
    for (const l of this.lanes?.values() ?? []) if (l.tail?.some((r) => r.id === id)) l.tail = l.tail.filter((r) => r.id !== id);
  }

  /** Whether a queued delivery is in a queue or being attempted (the `delivering` status). */
  isHanded(id: string): boolean {
    return this.laneOf(id) !== undefined;
  }

  /** The delivery state of a lane as its subscription shows it. */
  laneView(lane: string): LaneView {
    const l = this.sync().get(lane);
    const s: LaneState = l?.state ?? this.store.loadLane(lane) ?? FRESH_LANE;
    const now = this.host.now();
    return { breaker: breakerView(s, !!l?.probeOut), breakerOpenedAt: s.openedAt, heldUntil: isHeld(s, now) ? s.heldUntil : null, inFlight: l?.inFlight.size ?? 0 };
  }

  private running: Promise<{ failed: boolean }> | null = null;
  private trailing: Promise<{ failed: boolean }> | null = null;

  /**
   * Hands over what is due now, within each lane's room (./hand-over.ts).
   * Passes may run side by side (entries are claimed before the send). A
   * fire's pass (`burst`) goes one at a time: a fire that commits while the
   * previous fire's pass is sending waits for it, then one more pass serves
   * every fire that came meanwhile, so a burst leaves in fuller packs; an idle
   * lane's fire still leaves at once. Passes for freed room (outcomes, the
   * alarm) never wait: they keep a draining lane's pipeline full.
   */
  handOver(opts: { burst?: boolean } = {}): Promise<{ failed: boolean }> {
    if (!opts.burst) return handOver(this);
    if (this.running) {
      const next = () => {
        this.trailing = null;
        return this.handOver(opts);
      };
      return (this.trailing ??= this.running.then(next, next));
    }
    const run = handOver(this).finally(() => {
      if (this.running === run) this.running = null;
    });
    this.running = run;
    return run;
  }

  /** Records attempts' outcomes in one transaction; stale ones (repeats, old attempts) change nothing (./outcomes.ts). */
  recordOutcomes(items: OutcomeItem[], random: () => number = Math.random): ("recorded" | "stale")[] {
    this.outcomeReports++;
    return recordOutcomes(this, items, random);
  }

  /** Whether each attempt is still due: its delivery queued, that attempt not recorded yet. */
  currentAttempts(items: AttemptRef[]): boolean[] {
    return items.map((it) => {
      const row = this.store.row(it.id);
      return !!row && row.status === "queued" && row.attempts + 1 === it.attempt;
    });
  }

  /** A barrier came back through its queue. */
  probeReturned(id: string): void {
    this.barriers.returned(id, this.allHanded(), this.host.now());
  }

  /** The alarm's part: lost deliveries go back to waiting, barriers go out where needed, then hand over. */
  async tick(): Promise<void> {
    const now = this.host.now();
    if (this.sendRetryAt !== null && this.sendRetryAt <= now) this.sendRetryAt = null;
    for (const lane of this.sync().values()) {
      for (const [id, h] of lane.inFlight) {
        if (h.lostAt !== null && h.lostAt <= now) {
          this.putBack(lane, id);
          this.resentLost++;
        }
      }
    }
    for (const q of this.barriers.needed(this.allHanded(), now)) {
      const id = `prb_${now.toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
      const order = this.barriers.next();
      try {
        await this.host.queue(q).send(this.host.probe(id));
        this.barriers.sent(q, id, this.host.now(), order);
      } catch {
        // the next alarm tries again
      }
    }
    await this.handOver();
  }

  /**
   * nextDue() without what is in flight (barriers and losses are 10 s away or
   * more, later than the object's next regular wake by the stats flush):
   * cheap, for the arm after every commit.
   */
  urgentDue(): number | null {
    return this.due(false);
  }

  /** When the ledger needs the alarm next (null: nothing to do). */
  nextDue(): number | null {
    return this.due(true);
  }

  private due(handed: boolean): number | null {
    const now = this.host.now();
    let next = this.sendRetryAt;
    const release = this.store.nextRelease?.() ?? null;
    if (release !== null) next = next === null ? release : Math.min(next, release);
    const min = (t: number | null) => {
      if (t !== null && Number.isFinite(t)) next = next === null ? t : Math.min(next, t);
    };
    for (const lane of this.sync().values()) {
      if (handed) for (const h of lane.inFlight.values()) min(this.barriers.nextDue(h));
      if (lane.config.gone) {
        min(now);
        continue;
      }
      if (lane.config.gated && (lane.asking || (lane.gateRetryAt !== null && lane.gateRetryAt > now))) {
        // waiting for its flow's gate: it asks again then, or sooner when the gate wakes it
        if (!lane.asking) min(lane.gateRetryAt);
        continue;
      }
      if (lane.scanMore) {
        min(now);
        continue;
      }
      if (isHeld(lane.state, now)) min(lane.state.heldUntil);
      else if (lane.state.breaker === "open") {
        if (lane.probeOut === null) min(probeDueAt(lane.state, this.breakerOf(lane)));
      } else if (lane.inFlight.size < this.capOf(lane) && lane.retryCheckAt > now) min(lane.retryCheckAt); // due now: the pass that set it hands over
    }
    return next;
  }
}
