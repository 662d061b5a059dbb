/** `signalbox flows`: every flow with a policy or a subscription, with its state (all pages of GET /v1/flows). */
import { printFlowTable } from "../flow-text";
import type { Command } from "./types";
import type { Schemas } from "../../../client/client";

export const flowsCommand: Command = {
  options: {},
  positionals: [],
  async run({ client, out }) {
    const flows: Omit<Schemas["Flow"], "subscriptions">[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.flows.list({ cursor });
      flows.push(...page.flows);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    if (out.json) out.log(JSON.stringify(flows));
    else if (!flows.length) out.log("No flows.");
    else printFlowTable(out, flows);
    return 0;
  },
};
