/**
 * POST /v1/flows/{flow}/recover, this trigger's part: its dead (or failed)
 * deliveries to the flow whose fire is in [since, until], each once. A fire
 * gets one new delivery however many of its deliveries to the flow match
 * (a replay that died again is not sent twice); every matched delivery is
 * remembered in `recovered`, so a later recover never replays it again.
 * The new deliveries go through the flow's gate like any other.
 */
import { newDeliveryId } from "../../src/contracts/ids";
import type { RecoverPart } from "../../src/contracts/rpc";
import type { RecoverPartAnswer } from "../../src/contracts/views";
import type { TriggerHost } from "./host";
import { loadEntry } from "./tables/entry";
import { findSubscription } from "./tables/subscriptions";
import { insertDelivery, nextDeliveryNumber } from "./tables/deliveries";
import { recordEvent } from "./journal";
import { eventAt } from "./tables/events";
import { orderReplay } from "./shaping";

/** Fires replayed per transaction. */
const CHUNK = 500;

type Match = { seq: number; eventId: string; ids: string[]; members: string | null };

/** A fire's deliveries to the flow in that status, not recovered yet (and a batch's fires, if one is). */
function matchedOf(core: TriggerHost["core"], seq: number, flow: string, status: string): { ids: string[]; members: string | null } {
  const rows = core.sql.all<{ id: string; members: string | null }>(
    `SELECT d.id, d.members FROM deliveries d WHERE d.event_seq = ? AND d.flow = ? AND d.status = ? AND NOT EXISTS (SELECT 1 FROM recovered r WHERE r.id = d.id)`, seq, flow, status,
  );
  return { ids: rows.map((r) => r.id), members: rows.find((r) => r.members !== null)?.members ?? null };
}

export async function recoverFlow(host: TriggerHost, flow: string, part: RecoverPart): Promise<RecoverPartAnswer> {
  const core = host.core;
  const entry = core.ready ? loadEntry(core) : null;
  const sub = entry ? findSubscription(core, flow) : null;
  if (!entry || entry.status !== "active" || !sub || sub.target.type === "pull") return { matched: 0, replayed: 0, more: false, after: null };
  // the fires first (at most `limit`, in seq order), then their matching deliveries
  const seqs = core.sql.all<{ seq: number; event_id: string }>(
    `SELECT DISTINCT d.event_seq AS seq, e.id AS event_id FROM deliveries d JOIN events e ON e.seq = d.event_seq
     WHERE d.status = ? AND d.event_seq > ? AND d.flow = ? AND e.ts >= ? AND e.ts <= ?
       AND NOT EXISTS (SELECT 1 FROM recovered r WHERE r.id = d.id)
     ORDER BY d.event_seq LIMIT ?`,
    part.status, part.after ?? 0, flow, part.since, part.until, part.limit + 1,
  );
  const more = seqs.length > part.limit;
  const page = seqs.slice(0, part.limit);
  const matches: Match[] = page.map((s) => ({
    seq: s.seq,
    eventId: s.event_id,
    ...matchedOf(core, s.seq, flow, part.status),
  }));
  const matched = matches.reduce((n, m) => n + m.ids.length, 0);
  const after = page.length ? page[page.length - 1].seq : null;
  if (part.dryRun) return { matched, replayed: 0, more, after };
  for (let i = 0; i < matches.length; i += CHUNK) {
    const chunk = matches.slice(i, i + CHUNK);
    core.tx(() => {
      const now = core.now();
      for (const m of chunk) {
        const n = nextDeliveryNumber(core, m.seq);
        const id = newDeliveryId(entry.name, m.seq, n);
        const ev = eventAt(core, m.seq);
        // a batch is recovered whole: the new delivery carries its fires
        const d = { id, seq: m.seq, n, flow, status: "queued" as const, at: now, reason: "recover", members: m.members };
        insertDelivery(core, ev ? orderReplay(core, entry.name, flow, ev, d) : d);
        for (const old of m.ids) core.sql.run(`INSERT OR IGNORE INTO recovered (id) VALUES (?)`, old);
        recordEvent(core, "delivery.replayed", { eventId: m.eventId, seq: m.seq, deliveries: [{ deliveryId: id, flow }], replaces: m.ids, recovered: true });
      }
    });
  }
  await host.settle({ deliveries: true });
  return { matched, replayed: matches.length, more, after };
}
