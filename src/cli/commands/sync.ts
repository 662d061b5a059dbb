/**
 * `signalbox sync <file>`: validates the definitions and flow policies
 * locally with the very checks POST /v1/sync runs (src/domain/transfer),
 * then sends them and prints the diff. The source is `--source`, else the file's own `source`,
 * else `code`. Problems, local or from the server's 400, exit 3.
 */
import { validateDefinitions } from "../../domain/transfer/validate";
import { validateFlows } from "../../domain/transfer/flows";
import { loadDefinitions } from "../load-definitions";
import { syncSource } from "../definitions-document";
import { InvalidDefinitions, type Out } from "../output";
import type { Command } from "./types";
import type { Schemas } from "../../../client/client";
import { ConflictError } from "../../../client/errors";

function printDiff(out: Out, r: Schemas["SyncResult"], source: string): void {
  out.log(`Sync of source "${source}"${r.dryRun ? " (dry run: nothing changed)" : ""}`);
  const rows: [string, string, string[]][] = [["+", "created", r.created], ["~", "updated", r.updated], ["=", "unchanged", r.unchanged], ["-", "retired", r.retired]];
  for (const [mark, label, names] of rows) out.log(`  ${mark} ${label.padEnd(10)} ${names.length ? names.join(", ") : "-"}`);
  const s = r.subscriptions;
  out.log(`  subscriptions: ${s.created.length} created, ${s.updated.length} updated, ${s.unchanged.length} unchanged`);
  // a server from before flow policies answers none
  const f = r.flows as Schemas["SyncResult"]["flows"] | undefined;
  if (f) out.log(`  flow policies: ${f.created.length} created, ${f.updated.length} updated, ${f.unchanged.length} unchanged, ${f.cleared.length} cleared${f.cleared.length ? ` (${f.cleared.join(", ")})` : ""}`);
}

/** The server's adopt hint is written for API callers (`"adopt": true`); here the switch is `--adopt`. */
const API_ADOPT = /pass "adopt": true/g;

function inCliWords(e: unknown): unknown {
  if (!(e instanceof ConflictError)) return e;
  const say = (text: string) => text.replace(API_ADOPT, "pass --adopt");
  const details = Array.isArray(e.details)
    ? e.details.map((d: unknown) => (d && typeof d === "object" && typeof (d as { message?: unknown }).message === "string" ? { ...d, message: say((d as { message: string }).message) } : d))
    : e.details;
  return new ConflictError(e.status, e.code, say(e.message), details);
}

export const syncCommand: Command = {
  options: { "dry-run": { type: "boolean" }, prune: { type: "boolean" }, adopt: { type: "boolean" }, source: { type: "string" } },
  positionals: ["file"],
  async run({ args, flags, client, out }) {
    const file = await loadDefinitions(args[0]);
    const source = syncSource(flags.source as string | undefined, file.source);
    const triggers = file.triggers;
    const problems = [...validateDefinitions(triggers, { source }).problems, ...validateFlows(file.flows).problems];
    if (problems.length) throw new InvalidDefinitions(problems.map(({ name, path, message }) => ({ name, path, message })));
    // a file without flow policies sends none (then the sync declares none: with --prune, the source's are cleared)
    const flows = file.flows === undefined ? {} : { flows: file.flows as Schemas["SyncDocument"]["flows"] };
    let r: Schemas["SyncResult"];
    try {
      r = await client.sync({ source, triggers: triggers as never, ...flows, prune: flags.prune === true, adopt: flags.adopt === true }, { dryRun: flags["dry-run"] === true });
    } catch (e) {
      throw inCliWords(e);
    }
    if (out.json) out.log(JSON.stringify(r));
    else printDiff(out, r, source);
    return 0;
  },
};
