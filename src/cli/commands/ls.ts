/** `signalbox ls`: the tenant's triggers, newest first, following the cursor up to --limit. */
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
    const table = [["NAME", "TYPE", "STATUS", "FIRES", "LAST ACTIVITY"], ...rows.map((r) => [r.name, r.type, r.status, String(r.stats?.totalFires ?? 0), r.lastActivityAt ? new Date(r.lastActivityAt).toISOString() : "-"])];
    const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
    for (const row of table) out.log(row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]))).join("  "));
    return 0;
  },
};
