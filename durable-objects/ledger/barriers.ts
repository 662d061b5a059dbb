/**
 * Finding messages a queue lost, without storms. What was handed to a queue
 * is the queue's (its redelivery covers a crashed consumer). Only when handed
 * deliveries stay unsettled for PROBE_AFTER_MS, or after a restart (when the
 * ledger's memory of what it handed is gone), a barrier message goes through
 * that queue; a queue is first in, first out, so when the barrier comes back,
 * whatever was handed to it before and is still unsettled after its attempt
 * timeout was lost, and only that is sent again. A message merely waiting in
 * a backlog is never sent twice. Deliveries handed before a restart may be in
 * any queue they could have taken: they wait for a barrier through each.
 */
import { FAST_QUEUES, type QueueName, type RowKey } from "./types";

/** Handed deliveries unsettled this long make the ledger send a barrier. */
export const PROBE_AFTER_MS = 10_000;
/** A barrier not back after this long is given up (another may be sent). */
const PROBE_TIMEOUT_MS = 60_000;
/**
 * Margin after an attempt's own timeout before a delivery handed before a returned barrier counts as lost.
 * @internal (exported for tests)
 */
export const LOST_GRACE_MS = 2_000;

export const QUEUES: readonly QueueName[] = [...FAST_QUEUES, "slow"];

/** A delivery handed to a queue whose outcome has not come back. */
export type Handed = {
  attempt: number;
  key: RowKey;
  /** not attempted yet when handed (its lane's cursor passed it) */
  fresh: boolean;
  /** a breaker probe */
  probe: boolean;
  at: number;
  /** send order, against the barriers' order (the queue's order, not the clock's) */
  order: number;
  timeoutMs: number;
  /** the queues whose barrier must come back before it can count as lost (both after a restart) */
  awaiting: QueueName[];
  lostAt: number | null;
};

type Barrier = { id: string; sentAt: number; order: number };

export class Barriers {
  private readonly out = new Map<QueueName, Barrier>();
  private order = 0;

  /** The next send order. */
  next(): number {
    return ++this.order;
  }

  /** The queues that need a barrier now, given the handed deliveries. */
  needed(handed: Iterable<Handed>, now: number): QueueName[] {
    for (const [q, b] of this.out) if (now - b.sentAt > PROBE_TIMEOUT_MS) this.out.delete(q);
    const want = new Set<QueueName>();
    for (const h of handed) {
      if (h.lostAt !== null || now - h.at < PROBE_AFTER_MS) continue;
      for (const q of h.awaiting) if (!this.out.has(q)) want.add(q);
    }
    return [...want];
  }

  sent(q: QueueName, id: string, at: number, order: number): void {
    this.out.set(q, { id, sentAt: at, order });
  }

  /** A barrier came back: deliveries handed to its queue before it are lost once their attempt could have ended. */
  returned(id: string, handed: Iterable<Handed>, now: number): boolean {
    const q = [...this.out].find(([, b]) => b.id === id)?.[0];
    if (!q) return false;
    const order = this.out.get(q)!.order;
    this.out.delete(q);
    for (const h of handed) {
      if (h.lostAt !== null || h.order >= order || !h.awaiting.includes(q)) continue;
      h.awaiting = h.awaiting.filter((x) => x !== q);
      if (h.awaiting.length === 0) h.lostAt = now + h.timeoutMs + LOST_GRACE_MS;
    }
    return true;
  }

  /** When a handed delivery next needs the alarm (a barrier to send, one to give up, a loss to act on). */
  nextDue(h: Handed): number | null {
    if (h.lostAt !== null) return h.lostAt;
    let t: number | null = null;
    for (const q of h.awaiting) {
      const b = this.out.get(q);
      const at = b ? b.sentAt + PROBE_TIMEOUT_MS : h.at + PROBE_AFTER_MS;
      t = t === null ? at : Math.min(t, at);
    }
    return t;
  }
}
