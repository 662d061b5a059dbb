/**
 * Outcomes reach their owner in batches, off the attempts' path: each
 * attempt's result joins the owner's pending list, which is sent in one
 * recordOutcomes call once every attempt of the batch has answered, once
 * REPORT_EVERY results wait, or LINGER_MS after the oldest pending result;
 * one call is in flight per owner at a time. Reporting as the attempts come
 * back (not once per batch) frees the lane's room early, so the owner hands
 * the next attempts to the queue while this batch still runs. A message is
 * acknowledged only once its outcome is recorded, so a lost outcome means a
 * redelivered message (the ledger then sees a stale attempt), never a
 * forgotten delivery.
 */
import type { AttemptResult, OutcomesAnswer } from "../contracts/rpc";
import type { DeliveryMessage } from "../contracts/messages";

type Pending = { msg: Message<DeliveryMessage>; result: AttemptResult };
type Record = (items: { id: string; attempt: number; result: AttemptResult }[]) => Promise<OutcomesAnswer | null>;

const TRIES = 3;
const LINGER_MS = 10;
/** At most this many results wait before they are sent (about one round of the invocation's connections). */
const REPORT_EVERY = 8;

export class OutcomeReporter {
  private pending: Pending[] = [];
  private running: Promise<void> | null = null;
  private added = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly record: Record,
    private readonly onControl: (a: OutcomesAnswer) => void,
    /** how many results this batch will bring */
    private readonly expected: number,
  ) {}

  add(msg: Message<DeliveryMessage>, result: AttemptResult): void {
    this.pending.push({ msg, result });
    this.added++;
    if (this.added >= this.expected || this.pending.length >= REPORT_EVERY) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), LINGER_MS);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.running ??= this.loop().finally(() => {
      this.running = null;
      if (this.pending.length) this.flush();
    });
  }

  /** Resolves once every outcome added so far is recorded (or handed back to the queue). */
  async drain(): Promise<void> {
    if (this.pending.length) this.flush();
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    while (this.pending.length) {
      const items = this.pending;
      this.pending = [];
      const answer = await this.send(items);
      if (answer === undefined) {
        for (const p of items) p.msg.retry({ delaySeconds: 5 });
        continue;
      }
      if (answer) this.onControl(answer);
      for (const p of items) p.msg.ack();
    }
  }

  /** undefined: the owner could not be reached (the messages go back to the queue); null: the owner is gone. */
  private async send(items: Pending[]): Promise<OutcomesAnswer | null | undefined> {
    const payload = items.map((p) => ({ id: p.msg.body.d, attempt: p.msg.body.a, result: p.result }));
    for (let i = 0; i < TRIES; i++) {
      try {
        return await this.record(payload);
      } catch (e) {
        if (i === TRIES - 1) console.error(JSON.stringify({ msg: "outcome not recorded", error: (e as Error).message.slice(0, 200), items: items.length }));
        else await new Promise((r) => setTimeout(r, 50 * (i + 1)));
      }
    }
    return undefined;
  }
}
