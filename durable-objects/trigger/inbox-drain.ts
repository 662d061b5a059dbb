/**
 * The inbox drain: stored webhooks are processed after the answer that
 * acknowledged them (waitUntil keeps the object's context alive for it), a
 * batch at a time, and by the alarm when this instance died first. A call
 * while a drain runs asks it for one more pass; processInbox is synchronous,
 * so two drains never interleave on a row, and the flag only saves work (it
 * is ignored when a drain looks stuck).
 *
 * Requests that arrive before a scheduled pass has started share it: under
 * load one pass (one commit, one processing mark) takes the requests stored
 * meanwhile, instead of one pass per request.
 */
import type { TriggerHost } from "./host";
import { processInbox } from "./webhook-inbox";

const INBOX_BATCH = 100;
/** A drain running longer than this is taken for stuck: a new call drains anyway. */
const STUCK_MS = 30_000;

export class InboxDrain {
  /** When the running drain started (null: none). */
  private drainingSince: number | null = null;
  private drainAgain = false;
  /** The pass scheduled and not started yet (every answer until then waits on it). */
  private scheduled: Promise<void> | null = null;

  constructor(private readonly host: TriggerHost) {}

  /** Drains after the current answer (in the pass already scheduled, if one is). */
  schedule(): void {
    this.scheduled ??= new Promise<void>((done) =>
      setTimeout(() => {
        this.scheduled = null;
        void this.drain().finally(done);
      }, 0),
    );
    this.host.ctx.waitUntil(this.scheduled);
  }

  async drain(): Promise<void> {
    const now = Date.now();
    if (this.drainingSince !== null && now - this.drainingSince < STUCK_MS) {
      this.drainAgain = true;
      return;
    }
    this.drainingSince = now;
    try {
      do {
        this.drainAgain = false;
        const outcomes = processInbox(this.host.core, INBOX_BATCH);
        await this.host.settle({ fires: outcomes });
        if (outcomes.length === INBOX_BATCH) this.drainAgain = true;
      } while (this.drainAgain);
    } finally {
      this.drainingSince = null;
    }
  }
}
