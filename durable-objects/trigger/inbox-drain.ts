/**
 * The inbox drain: stored webhooks are processed after the answer that
 * acknowledged them (waitUntil keeps the object's context alive for it), a
 * batch at a time, and by the alarm when this instance died first. One drain
 * at a time (../single-flight.ts, as the outbox drains): a call while one
 * runs asks it for one more pass; processInbox is synchronous, so two drains
 * never interleave on a row, and the single flight only saves work.
 *
 * Requests that arrive before a scheduled pass has started share it: under
 * load one pass (one commit, one processing mark) takes the requests stored
 * meanwhile, instead of one pass per request.
 */
import type { TriggerHost } from "./host";
import { processInbox } from "./webhook-inbox";
import { singleFlight } from "../single-flight";

const INBOX_BATCH = 100;

export class InboxDrain {
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

  drain(): Promise<void> {
    return singleFlight(this.host.core, "inbox", async () => {
      const outcomes = processInbox(this.host.core, INBOX_BATCH);
      await this.host.settle({ fires: outcomes });
      return outcomes.length === INBOX_BATCH;
    });
  }
}
