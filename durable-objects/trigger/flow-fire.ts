/** A flow trigger fires on a report it listens to (the object re-checks what the index said). */
import { AppError } from "../../src/errors";
import { flowEventId } from "../../src/contracts/ids";
import type { Core } from "./core";
import { requireActiveEntry } from "./tables/entry";
import { hashOf } from "./journal";
import { fire, type FireOutcome } from "./pipeline";
import type { FlowNotice } from "../../src/contracts/rpc";

/** Long enough that a report repeated by any retry dedupes (a report is one per delivery and status). */
const REPORT_DEDUP_SECONDS = 30 * 86_400;

export function fireFromFlow(core: Core, n: FlowNotice): FireOutcome {
  const row = requireActiveEntry(core);
  const spec = row.def.type === "flow" ? row.def.flow : undefined;
  const listens = spec && spec.name === n.flow && (spec.on ?? ["completed"]).includes(n.status) && (!spec.triggers || spec.triggers.includes(n.trigger));
  if (!listens) throw new AppError(409, "not_listening", `Trigger '${row.name}' does not listen to ${n.status} reports of flow '${n.flow}'`);
  const eventId = flowEventId(hashOf(core), `${n.deliveryId}:${n.status}`);
  return fire(core, {
    source: "flow", eventId, dedupKey: `id:${eventId}`, dedupWindowSeconds: REPORT_DEDUP_SECONDS, chainDepth: n.depth, onSchemaFail: "skip",
    data: { flow: n.flow, status: n.status, output: n.output, error: n.error, trigger: n.trigger, eventId: n.eventId, deliveryId: n.deliveryId },
  });
}
