/** `signalbox ls`: the tenant's triggers, newest first, following the cursor up to --limit. */
import { isoOrDash, printTable } from "../output";
import { intFlag, type Command } from "./types";

type Row = { name: string; type: string; status: string; lastActivityAt: number; stats: Record<string, unknown>; version: number };

export const lsCommand: Command = {
  options: { type: { type: "string" }, status: { type: "string" }, q: { type: "string" }, limit: { type: "string" } },
  positionals: [],
  async run({ flags, client, out }) {
    const max = intFlag(flags.limit, "limit") ?? 500;
    const rows: Row[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.triggers.list({
        type: flags.type as never, status: flags.status as never, q: flags.q as string | undefined, cursor, limit: Math.min(500, Math.max(1, max - rows.length)),
      });
      rows.push(...(page.triggers as Row[]));
      cursor = page.nextCursor ?? undefined;
    } while (cursor && rows.length < max);
    if (out.json) {
      out.log(JSON.stringify(rows));
      return 0;
    }
    if (rows.length === 0) {
      out.log("No triggers.");
      return 0;
    }
    printTable(out, [["NAME", "TYPE", "STATUS", "FIRES", "LAST ACTIVITY"], ...rows.map((r) => [r.name, r.type, r.status, String(r.stats?.totalFires ?? 0), isoOrDash(r.lastActivityAt)])]);
    return 0;
  },
};
