/** `signalbox fire <trigger> [<json> | @file | -]`: one fire, its answer printed. */
import { readFile } from "node:fs/promises";
import { UsageError } from "../output";
import type { Command } from "./types";

async function readPayload(arg: string | undefined): Promise<unknown> {
  if (arg === undefined) return undefined;
  let text = arg;
  if (arg === "-") text = await new Response(process.stdin as unknown as ReadableStream).text();
  else if (arg.startsWith("@")) text = await readFile(arg.slice(1), "utf8").catch((e) => { throw new UsageError(`cannot read ${arg.slice(1)}: ${e.code ?? e.message}`); });
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`the payload is not JSON: ${text.length > 60 ? `${text.slice(0, 60)}…` : text}`);
  }
}

export const fireCommand: Command = {
  options: { "idempotency-key": { type: "string" }, flows: { type: "string" } },
  positionals: ["trigger"],
  optionalPositionals: 1,
  async run({ args, flags, client, out }) {
    const data = await readPayload(args[1]);
    const flows = typeof flags.flows === "string" ? flags.flows.split(",").map((f) => f.trim()).filter(Boolean) : undefined;
    const r = await client.fire(args[0], data, { idempotencyKey: flags["idempotency-key"] as string | undefined, flows });
    if (out.json) out.log(JSON.stringify(r));
    else {
      const why = r.skipReason ? ` (${r.skipReason})` : "";
      out.log(`${r.status}${why}: ${r.eventId} seq ${r.seq}, ${r.deliveries.length} deliver${r.deliveries.length === 1 ? "y" : "ies"}`);
      for (const d of r.deliveries) out.log(`  → ${d.flow}: ${d.status} (${d.deliveryId})`);
    }
    return 0;
  },
};
