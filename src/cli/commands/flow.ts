/**
 * `signalbox flow <name> [activity | pause | resume | set | recover]`: one
 * flow's policy, state and subscriptions, its activity log, and the writes
 * (API.md "Flows: delivery policy"). Recover is in flow-recover.ts.
 */
import { policyFromFlags } from "../flow-args";
import { activityLine, printFlow } from "../flow-text";
import { intFlag, type Command } from "./types";
import { flowRecoverCommand } from "./flow-recover";
import type { Schemas } from "../../../client/client";
import type { Out } from "../output";

/** Activity entries read per call (the API's largest page). */
const ACTIVITY_PAGE = 500;

const showFlow = (out: Out, f: Schemas["Flow"]) => (out.json ? out.log(JSON.stringify(f)) : printFlow(out, f));

const activity: Command = {
  options: { limit: { type: "string" }, after: { type: "string" } },
  positionals: ["flow"],
  async run({ args, flags, client, out }) {
    const max = intFlag(flags.limit, "limit") ?? 100;
    let after = intFlag(flags.after, "after") ?? 0;
    const entries: { seq: number; type: string; ts: number; data?: unknown }[] = [];
    let more = false;
    while (entries.length < max) {
      const page = await client.flows.activity(args[0], { after, limit: Math.min(ACTIVITY_PAGE, max - entries.length) });
      entries.push(...page.entries);
      more = page.nextCursor !== null;
      if (!more || !page.entries.length) break;
      after = page.entries[page.entries.length - 1].seq;
    }
    if (out.json) {
      out.log(JSON.stringify(entries));
      return 0;
    }
    if (!entries.length) out.log(`No activity for flow ${args[0]}${after ? ` after #${after}` : ""}.`);
    for (const e of entries) out.log(activityLine(e));
    if (more && entries.length) out.err(`More entries follow: signalbox flow ${args[0]} activity --after ${entries[entries.length - 1].seq}`);
    return 0;
  },
};

const pauseOrResume = (action: "pause" | "resume"): Command => ({
  options: {},
  positionals: ["flow"],
  async run({ args, client, out }) {
    showFlow(out, await client.flows[action](args[0]));
    return 0;
  },
});

const set: Command = {
  options: { rate: { type: "string" }, concurrency: { type: "string" }, breaker: { type: "string" }, paused: { type: "boolean" }, clear: { type: "boolean" } },
  positionals: ["flow"],
  async run({ args, flags, client, out }) {
    const policy = policyFromFlags(flags as Parameters<typeof policyFromFlags>[0]);
    showFlow(out, await client.flows.put(args[0], policy));
    return 0;
  },
};

export const flowCommand: Command = {
  options: {},
  positionals: ["flow"],
  actions: { activity, pause: pauseOrResume("pause"), resume: pauseOrResume("resume"), set, recover: flowRecoverCommand },
  async run({ args, client, out }) {
    showFlow(out, await client.flows.get(args[0]));
    return 0;
  },
};
