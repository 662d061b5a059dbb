/**
 * Outcomes reach their owner in batches, off the attempts' path: each
 * attempt's result joins the owner's pending list; one recordOutcomes call is
 * in flight per owner at a time and carries everything that arrived
 * meanwhile. A message is acknowledged only once its outcome is recorded, so
 * a lost outcome means a redelivered message (the ledger then sees a stale
 * attempt), never a forgotten delivery.
 */
import type { AttemptResult, OutcomesAnswer } from "../contracts/rpc";
import type { DeliveryMessage } from "../contracts/messages";

type Pending = { msg: Message<DeliveryMessage>; result: AttemptResult };
type Record = (items: { id: string; attempt: number; result: AttemptResult }[]) => Promise<OutcomesAnswer | null>;

const TRIES = 3;

export class OutcomeReporter {
  private pending: Pending[] = [];
  private running: Promise<void> | null = null;

  constructor(
    private readonly record: Record,
    private readonly onControl: (a: OutcomesAnswer) => void,
  ) {}

  add(msg: Message<DeliveryMessage>, result: AttemptResult): void {
    this.pending.push({ msg, result });
    this.running ??= this.loop().finally(() => (this.running = null));
  }

  /** Resolves once every outcome added so far is recorded (or handed back to the queue). */
  async drain(): Promise<void> {
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
