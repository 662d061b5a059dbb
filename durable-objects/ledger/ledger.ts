/**
 * The one delivery ledger, shared by trigger deliveries and await callbacks.
 * Its rows live in the owner's SQLite (the LedgerStore says how); this class
 * keeps what needs no row written:
 *
 * - the send outbox: every queued delivery, due when, and whether it has been
 *   handed to the queue (and which attempt). The alarm hands over what is due
 *   and not handed; a failed send is simply not handed.
 * - one retry scheduler: a retryable outcome sets the row's next attempt time
 *   and the ledger hands the next attempt over when it is due (the queue never
 *   holds delayed messages).
 * - recovery without storms: what was handed is the queue's (its redelivery
 *   covers a crashed consumer). Only when handed deliveries stay unsettled for
 *   PROBE_AFTER_MS, or after a restart (when this memory is gone), the ledger
 *   sends a probe message through the same queue; a queue is first in, first
 *   out, so when the probe comes back, whatever was handed before it and is
 *   still unsettled after its attempt timeout was lost, and only that is sent
 *   again. A message merely waiting in a backlog is never sent twice.
 */
import { decideAttempt, type AttemptDecision, type RetryPolicy } from "../../src/domain/backoff";
import type { DeliveryMessage } from "../../src/contracts/messages";
import type { AttemptResult } from "../../src/contracts/rpc";

/** Handed deliveries unsettled this long make the ledger send a probe. */
export const PROBE_AFTER_MS = 10_000;
/** A probe not back after this long is given up (another may be sent). */
export const PROBE_TIMEOUT_MS = 60_000;
/** Margin after an attempt's own timeout before a delivery handed before a returned probe counts as lost. */
export const LOST_GRACE_MS = 2_000;
/** A failed queue send is tried again after this long. */
export const SEND_RETRY_MS = 1_000;
/** At most this many deliveries are handed over per pass (the rest on the next pass, at once). */
export const HAND_OVER_BATCH = 500;
/**
 * Flow control: at most this many deliveries of one owner are in the queue
 * (handed, outcome not back) at a time; the rest wait here, due, and go as
 * outcomes come back. A burst or a recovery never floods the queue, and
 * what waits costs nothing (no message, no timer, no row).
 */
export const IN_FLIGHT_WINDOW = 1_000;

/** A ledger row as the store gives it; `raw` is the store's own row, handed back to it (no second read). */
export type LedgerRow = { id: string; status: string; attempts: number; nextAttemptAt: number | null; timeoutMs: number; raw?: unknown };

/** An attempt's decision, or a delivery the consumer did not attempt (its flow unsubscribed, its trigger retired, it was skipped). */
export type LedgerDecision = AttemptDecision | { status: "skipped"; reason: string };

export interface LedgerStore {
  /** Every queued row (to rebuild after a restart); bounded by the owner's open window. */
  openRows(): LedgerRow[];
  row(id: string): LedgerRow | null;
  /** The queue message of one attempt (with the body to send, unless too large). */
  message(row: LedgerRow, attempt: number): DeliveryMessage;
  policy(row: LedgerRow): RetryPolicy;
  /** Writes an attempt's outcome (inside the ledger's transaction). */
  write(row: LedgerRow, attempt: number, decision: LedgerDecision, result: AttemptResult, at: number): void;
}

export interface LedgerHost {
  now(): number;
  tx<T>(fn: () => T): T;
  queue(): Queue<DeliveryMessage>;
  probe(id: string): DeliveryMessage;
}

/** handedOrder: the order of the send that handed it, against the probes' order (the queue's order, not the clock's). */
type Entry = { dueAt: number; handed: number | null; handedAt: number; handedOrder: number; lostAt: number | null; timeoutMs: number };

export type OutcomeItem = { id: string; attempt: number; result: AttemptResult };

export class Ledger {
  private entries: Map<string, Entry> | undefined;
  /** Ids not handed over (due now or later), a subset of the entries. */
  private readonly waiting = new Set<string>();
  /** Handed entries from this instance's own sends (they hold the window). */
  private inFlight = 0;
  private probeInFlight: { id: string; sentAt: number; order: number } | null = null;
  private sends = 0;
  /** Counts for tests and the log: re-sent because a probe showed them lost. */
  resentLost = 0;
  /** Whether the last recordOutcomes scheduled a retry (the owner must make sure its alarm comes for it). */
  retriesScheduled = false;

  constructor(
    private readonly host: LedgerHost,
    private readonly store: LedgerStore,
  ) {}

  /** The open set, rebuilt from storage on first use: what was handed before a restart is unknown until a probe returns. */
  private open(): Map<string, Entry> {
    if (this.entries) return this.entries;
    const now = this.host.now();
    this.entries = new Map();
    for (const r of this.store.openRows()) {
      const future = r.nextAttemptAt !== null && r.nextAttemptAt > now;
      // a future retry cannot have been handed yet; anything else may be in the queue, or lost
      if (future) this.wait(r.id, { dueAt: r.nextAttemptAt!, handed: null, handedAt: 0, handedOrder: 0, lostAt: null, timeoutMs: r.timeoutMs });
      else this.entries.set(r.id, { dueAt: now, handed: r.attempts + 1, handedAt: now - PROBE_AFTER_MS, handedOrder: 0, lostAt: null, timeoutMs: r.timeoutMs });
    }
    return this.entries;
  }

  // transitions (the only places that change `handed`, keeping `waiting` and `inFlight` in step)
  private wait(id: string, e: Entry): void {
    this.release(id);
    e.handed = null;
    e.lostAt = null;
    this.entries!.set(id, e);
    this.waiting.add(id);
  }

  private hand(id: string, e: Entry, attempt: number, at: number, order: number): void {
    this.waiting.delete(id);
    Object.assign(e, { handed: attempt, handedAt: at, handedOrder: order, lostAt: null });
    if (order > 0) this.inFlight++;
  }

  private release(id: string): void {
    const e = this.entries?.get(id);
    if (e && e.handed !== null && e.handedOrder > 0) this.inFlight--;
  }

  private remove(id: string): void {
    this.release(id);
    this.waiting.delete(id);
    this.entries?.delete(id);
  }

  get size(): number {
    return this.open().size;
  }

  /** The ids of every queued delivery. */
  openIds(): IterableIterator<string> {
    return this.open().keys();
  }

  /** A delivery was created queued (call after its transaction commits). */
  track(id: string, dueAt: number, timeoutMs: number): void {
    this.open();
    this.wait(id, { dueAt, handed: null, handedAt: 0, handedOrder: 0, lostAt: null, timeoutMs });
  }

  /** A delivery settled outside the ledger (skipped, reported, dead-lettered). */
  forget(id: string): void {
    if (this.entries) this.remove(id);
  }

  /** Whether a queued delivery is in the queue or being attempted (the `delivering` status). */
  isHanded(id: string): boolean {
    return (this.entries?.get(id)?.handed ?? null) !== null;
  }

  /**
   * Hands over what is due now. Entries are claimed synchronously before the
   * send, so concurrent calls never send one twice and none waits for
   * another's send; a failed send puts its entries back, due again shortly.
   * Answers whether a send failed (the caller arms the alarm for the retry).
   */
  async handOver(limit = HAND_OVER_BATCH): Promise<{ failed: boolean }> {
    const open = this.open();
    const now = this.host.now();
    // entries from before a restart (order 0) may be in the queue or lost: the probe decides; they do not hold the window
    const room = Math.min(limit, IN_FLIGHT_WINDOW - this.inFlight);
    if (room <= 0 || this.waiting.size === 0) return { failed: false };
    const due: [string, Entry][] = [];
    for (const id of this.waiting) {
      const e = open.get(id)!;
      if (e.dueAt <= now) due.push([id, e]);
    }
    if (due.length > room) due.sort((a, b) => a[1].dueAt - b[1].dueAt).splice(room);
    const items: { id: string; entry: Entry; msg: DeliveryMessage }[] = [];
    for (const [id, entry] of due) {
      const row = this.store.row(id);
      if (!row || row.status !== "queued") {
        this.remove(id);
        continue;
      }
      items.push({ id, entry, msg: this.store.message(row, row.attempts + 1) });
    }
    let failed = false;
    const sends: Promise<void>[] = [];
    for (let i = 0; i < items.length; i += 100) {
      const chunk = items.slice(i, i + 100);
      const order = ++this.sends;
      const at = this.host.now();
      // claimed now (before the await), so a concurrent call does not take them too
      for (const it of chunk) this.hand(it.id, it.entry, it.msg.a, at, order);
      sends.push(
        this.host.queue().sendBatch(chunk.map((it) => ({ body: it.msg }))).then(
          () => undefined,
          () => {
            failed = true;
            const retryAt = this.host.now() + SEND_RETRY_MS;
            for (const it of chunk) {
              if (it.entry.handedOrder === order && this.entries?.get(it.id) === it.entry) this.wait(it.id, { ...it.entry, dueAt: retryAt });
            }
          },
        ),
      );
    }
    await Promise.all(sends);
    return { failed };
  }

  /** Records attempts' outcomes in one transaction; stale ones (repeats, old attempts) change nothing. */
  recordOutcomes(items: OutcomeItem[], random: () => number = Math.random): ("recorded" | "stale")[] {
    const now = this.host.now();
    this.retriesScheduled = false;
    const after: (() => void)[] = [];
    const answers = this.host.tx(() =>
      items.map((it) => {
        const row = this.store.row(it.id);
        if (!row || row.status !== "queued" || it.attempt !== row.attempts + 1) return "stale" as const;
        const decision: LedgerDecision = it.result.skipped
          ? { status: "skipped", reason: it.result.skipped }
          : decideAttempt(it.result.statusCode, it.result.retryAfterSeconds, it.attempt, this.store.policy(row), random());
        this.store.write(row, it.attempt, decision, it.result, now);
        if (decision.status === "retry") this.retriesScheduled = true;
        after.push(() => {
          if (decision.status === "retry") this.wait(it.id, { dueAt: now + decision.delaySeconds * 1000, handed: null, handedAt: 0, handedOrder: 0, lostAt: null, timeoutMs: row.timeoutMs });
          else this.remove(it.id);
        });
        return "recorded" as const;
      }),
    );
    this.open();
    for (const f of after) f();
    return answers;
  }

  /** A probe came back: what was handed before it and is still open is lost once its attempt could have ended. */
  probeReturned(id: string): void {
    if (!this.probeInFlight || this.probeInFlight.id !== id) return;
    const order = this.probeInFlight.order;
    this.probeInFlight = null;
    const now = this.host.now();
    for (const e of this.open().values()) {
      if (e.handed !== null && e.handedOrder < order && e.lostAt === null) e.lostAt = now + e.timeoutMs + LOST_GRACE_MS;
    }
  }

  /** The alarm's part: lost deliveries become due again, a probe goes out if one is needed, then hand over. */
  async tick(): Promise<void> {
    const now = this.host.now();
    for (const [id, e] of this.open()) {
      if (e.handed !== null && e.lostAt !== null && e.lostAt <= now) {
        this.wait(id, { ...e, dueAt: now });
        this.resentLost++;
      }
    }
    if (this.probeInFlight && now - this.probeInFlight.sentAt > PROBE_TIMEOUT_MS) this.probeInFlight = null;
    if (!this.probeInFlight && this.needsProbe(now)) {
      const id = `prb_${now.toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
      const order = ++this.sends;
      try {
        await this.host.queue().send(this.host.probe(id));
        this.probeInFlight = { id, sentAt: this.host.now(), order };
      } catch {
        // the next alarm tries again
      }
    }
    await this.handOver();
  }

  private needsProbe(now: number): boolean {
    for (const e of this.open().values()) if (e.handed !== null && e.lostAt === null && now - e.handedAt >= PROBE_AFTER_MS) return true;
    return false;
  }

  /** When the ledger needs the alarm next (null: nothing open). */
  nextDue(): number | null {
    let next: number | null = null;
    const min = (t: number) => (next = next === null ? t : Math.min(next, t));
    const full = this.inFlight >= IN_FLIGHT_WINDOW;
    for (const e of this.open().values()) {
      if (e.handed === null) {
        if (!full) min(e.dueAt); // a full window moves when outcomes come back, not by the clock
      } else if (e.lostAt !== null) min(e.lostAt);
      else if (!this.probeInFlight) min(e.handedAt + PROBE_AFTER_MS); // a probe in flight: its timeout below
    }
    if (this.probeInFlight) min(this.probeInFlight.sentAt + PROBE_TIMEOUT_MS);
    return next;
  }
}
