/**
 * `signalbox flow <name> recover --since 1h [--until …] [--status dead|failed]
 * [--trigger t …] [--dry-run]`: POST /v1/flows/{flow}/recover, followed
 * through its cursor until done (recover-all.ts), printing the totals. The
 * range is fixed once: `until` defaults to the moment the command starts, so
 * every call of one run covers the same fires.
 */
import { NAME_PATTERN } from "../../schemas/common";
import { parseTime } from "../flow-args";
import { isoOrDash, UsageError } from "../output";
import { MAX_RECOVER_CALLS, recoverAll } from "../recover-all";
import type { Command, Flags } from "./types";

const STATUSES = ["dead", "failed"] as const;

function triggersOf(v: Flags[string]): string[] | undefined {
  if (v === undefined) return undefined;
  const names = (Array.isArray(v) ? v : [String(v)]).flatMap((t) => t.split(",")).map((t) => t.trim()).filter(Boolean);
  const bad = names.find((n) => !NAME_PATTERN.test(n));
  if (bad !== undefined) throw new UsageError(`--trigger ${JSON.stringify(bad)} is not a trigger name (letters, digits and . _ : -, at most 128)`);
  if (!names.length || names.length > 100) throw new UsageError("--trigger takes 1 to 100 trigger names");
  return [...new Set(names)];
}

export const flowRecoverCommand: Command = {
  options: { since: { type: "string" }, until: { type: "string" }, status: { type: "string" }, trigger: { type: "string", multiple: true }, "dry-run": { type: "boolean" } },
  positionals: ["flow"],
  async run({ args, flags, client, out }) {
    const [flow] = args;
    const now = Date.now();
    if (typeof flags.since !== "string") throw new UsageError("recover needs --since (1h, an ISO time or epoch ms)");
    const since = parseTime(flags.since, now, "since");
    const until = typeof flags.until === "string" ? parseTime(flags.until, now, "until") : now;
    if (until < since) throw new UsageError(`--until (${isoOrDash(until)}) is before --since (${isoOrDash(since)})`);
    const status = (flags.status ?? "dead") as (typeof STATUSES)[number];
    if (!STATUSES.includes(status)) throw new UsageError(`--status must be dead or failed, got ${JSON.stringify(flags.status)}`);
    const triggers = triggersOf(flags.trigger);
    const dryRun = flags["dry-run"] === true;

    const t = await recoverAll((cursor) => client.flows.recover(flow, { since, until, status, dryRun, ...(triggers ? { triggers } : {}), ...(cursor ? { cursor } : {}) }));
    if (out.json) {
      out.log(JSON.stringify({ flow, since, until, status, ...(triggers ? { triggers } : {}), ...t }));
    } else {
      const range = `fires from ${isoOrDash(since)} to ${isoOrDash(until)}${triggers ? ` of ${triggers.join(", ")}` : ""}`;
      const calls = `${t.calls} call${t.calls === 1 ? "" : "s"}`;
      if (t.dryRun) out.log(`Dry run, nothing replayed: ${t.matched} ${status} deliver${t.matched === 1 ? "y" : "ies"} of flow ${flow} would be replayed (${range}; ${calls}).`);
      else out.log(`Recovered flow ${flow}: ${t.replayed} fire${t.replayed === 1 ? "" : "s"} replayed for ${t.matched} ${status} deliver${t.matched === 1 ? "y" : "ies"} (${range}; ${calls}).`);
    }
    if (t.more) {
      out.err(t.dryRun
        ? `Stopped after ${MAX_RECOVER_CALLS} calls with more to count: the totals cover part of the range.`
        : `Stopped after ${MAX_RECOVER_CALLS} calls with more to replay: continue with signalbox flow ${flow} recover --since ${since} --until ${until} --status ${status}${triggers ? ` --trigger ${triggers.join(",")}` : ""} (deliveries already recovered are not replayed twice).`);
    }
    return 0;
  },
};
