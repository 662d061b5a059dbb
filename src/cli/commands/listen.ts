/**
 * `signalbox listen <trigger> --forward-to <url>`: like the Stripe and
 * Hookdeck CLIs. Reads the trigger's fires through a pull subscription (the
 * flow `cli` unless --flow; created from `now` when the flow has none),
 * POSTs each to the local URL signed with the session's secret, and acks it
 * after a 2xx. A failure is retried (1 s, doubling to 30 s) before the next
 * fire, so order holds and nothing is skipped.
 */
import { generateWebhookSecret, isValidWebhookSecret } from "../../domain/standard-webhooks";
import { NotFoundError } from "../../../client/errors";
import { deliveryBody, forward } from "../forward";
import { UsageError } from "../output";
import { intFlag, type Command } from "./types";

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((res) => {
    const t = setTimeout(res, ms);
    signal.addEventListener("abort", () => (clearTimeout(t), res()), { once: true });
  });

export const listenCommand: Command = {
  options: { "forward-to": { type: "string" }, flow: { type: "string" }, secret: { type: "string" }, count: { type: "string" } },
  positionals: ["trigger"],
  async run({ args, flags, client, out, env, signal }) {
    const [trigger] = args;
    const url = flags["forward-to"];
    if (typeof url !== "string" || !/^https?:\/\/[^/]/.test(url)) throw new UsageError("listen needs --forward-to http://localhost:PORT/path");
    const flow = (flags.flow as string | undefined) ?? "cli";
    const secret = (flags.secret as string | undefined) ?? env.SIGNALBOX_FORWARD_SECRET ?? generateWebhookSecret();
    if (!isValidWebhookSecret(secret)) throw new UsageError("--secret must be whsec_ followed by base64 of 24-64 bytes");
    const count = intFlag(flags.count, "count");

    const t = await client.triggers.get(trigger);
    const existing = t.subscriptions?.[flow];
    if (existing && existing.target.type !== "pull") throw new UsageError(`flow ${flow} of ${trigger} has a ${existing.target.type} target; pick another with --flow`);
    if (!existing) await client.subscriptions.put(trigger, flow, { target: { type: "pull", startFrom: "now" } });

    if (out.json) out.log(JSON.stringify({ ready: true, trigger, flow, forwardTo: url, secret, created: !existing }));
    else out.err(`Ready: forwarding fires of ${trigger} (flow ${flow}${existing ? "" : ", new pull subscription"}) to ${url}\nSigning secret: ${secret}\nCtrl-C to stop.`);

    let delivered = 0;
    while (!signal.aborted && (count === undefined || delivered < count)) {
      let page;
      try {
        page = await client.subscriptions.pull(trigger, flow, { limit: 50, waitMs: 25_000 }, signal);
      } catch (e) {
        if (signal.aborted) break;
        if (e instanceof NotFoundError) throw e;
        out.err(`pull failed: ${(e as Error).message}; retrying`);
        await sleep(2_000, signal);
        continue;
      }
      for (const ev of page.events as never as Parameters<typeof deliveryBody>[0][]) {
        for (let attempt = 1, wait = 1_000; !signal.aborted; attempt++, wait = Math.min(wait * 2, 30_000)) {
          const r = await forward(url, secret, deliveryBody(ev, trigger, flow, attempt));
          if (out.json) out.log(JSON.stringify({ seq: ev.seq, eventId: ev.id, attempt, status: r.status, error: r.error, ms: r.ms }));
          else out.log(`${new Date().toISOString().slice(11, 19)}  #${ev.seq} ${ev.id} → ${r.status ?? r.error} (${r.ms} ms)${r.ok ? "" : `, retrying in ${wait / 1000} s`}`);
          if (r.ok) break;
          await sleep(wait, signal);
        }
        if (signal.aborted) break;
        await client.subscriptions.ack(trigger, flow, ev.seq);
        delivered++;
        if (count !== undefined && delivered >= count) break;
      }
    }
    return 0;
  },
};
