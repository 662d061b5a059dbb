/**
 * Turning stored webhook requests into fires, after the answer: transform,
 * then the pipeline (schema, filter, fan-out) — one transaction per row, so a
 * crash anywhere loses nothing and fires nothing twice. A row that fails
 * MAX_INBOX_ATTEMPTS times ends `failed` with its error and a skipped fire
 * (`processing_failed`), and the inbox moves on.
 */
import { applyTransform } from "../../src/domain/transform";
import { deliveredHeaders, webhookEventType, type EventTypeConfig } from "../../src/domain/webhook-auth/event-type";
import type { WebhookAuth } from "../../src/domain/webhook-auth";
import type { Core, TriggerRow } from "./core";
import { loadEntry } from "./tables/entry";
import { openInbox, markProcessing, completeInbox, failInbox, noteInboxError } from "./tables/inbox";
import type { InboxRow } from "./tables/inbox-row";
import { fire, type FireOutcome, type Skip } from "./pipeline";
import { parseBody } from "./webhook-body";

const MAX_INBOX_ATTEMPTS = 5;

/**
 * What the fire records beside its payload: the provider's event type and
 * the headers a flow may see (deliveries, filters, waiters and the fire view
 * read both from here).
 */
function meta(r: InboxRow, def: TriggerRow["def"], headers: Record<string, string>, body: unknown) {
  const auth = def.webhook?.auth as WebhookAuth | undefined;
  const eventType = webhookEventType(auth, headers, body, def.webhook?.eventType as EventTypeConfig | undefined);
  return { receivedAt: r.received_at, webhook: { method: r.method, sourceIp: r.source_ip, inboxId: r.id }, eventType, headers: deliveredHeaders(headers, auth) };
}

/** One stored request → one fire (accepted or skipped), its inbox row completed in the same transaction. */
function processRow(core: Core, r: InboxRow): FireOutcome {
  const row = loadEntry(core)!;
  const headers = JSON.parse(r.headers) as Record<string, string>;
  const parsed = parseBody(new Uint8Array(r.body), headers["content-type"]);
  let skip: Skip | undefined;
  let data: unknown = parsed.ok ? parsed.value : null;
  if (!parsed.ok) skip = { reason: "invalid_body", details: parsed.error };
  else if (row.def.transform) data = applyTransform(row.def.transform as { pick: Record<string, string> }, parsed.value, headers);
  return fire(core, {
    source: "webhook", data, eventId: r.event_id, meta: meta(r, row.def, headers, parsed.ok ? parsed.value : undefined), skip, onSchemaFail: "skip", requireActive: false,
    // (the webhook's dedup key keeps no seq: a duplicate is answered with its event id, and a fire view finds a
    // webhook's fire through its inbox row)
    alsoWrite: (a) => completeInbox(core, r.id, a.seq, core.now()),
  });
}

/** The meta of a row that could not be processed: its event type and headers when they can still be read. */
function failedMeta(core: Core, r: InboxRow) {
  try {
    const headers = JSON.parse(r.headers) as Record<string, string>;
    const parsed = parseBody(new Uint8Array(r.body), headers["content-type"]);
    return meta(r, loadEntry(core)!.def, headers, parsed.ok ? parsed.value : undefined);
  } catch {
    return { receivedAt: r.received_at, webhook: { method: r.method, sourceIp: r.source_ip, inboxId: r.id }, eventType: null };
  }
}

/** A row that keeps failing: recorded as a skipped fire without its payload, and the row failed. */
function giveUp(core: Core, r: InboxRow, error: string): FireOutcome {
  return fire(core, {
    source: "webhook", data: null, eventId: r.event_id, meta: failedMeta(core, r),
    skip: { reason: "processing_failed", details: error.slice(0, 500) }, onSchemaFail: "skip", requireActive: false,
    alsoWrite: (a) => failInbox(core, r.id, error, a.seq, core.now()),
  });
}

/**
 * Processes open inbox rows (pending, or processing after a crash), oldest
 * first, each in its own transaction. The first open row's attempt is
 * counted before anything is processed: the rows before it completed, so a
 * row that crashes the object every time is the first open row at each
 * restart and runs out of attempts. The others are counted when they throw,
 * or when they come first (one write per pass, not one per row). The rows
 * come from memory when this instance stored them (./open-rows.ts); such a
 * pass writes no mark, as its rows were never attempted: an attempt that
 * throws is counted then, and one that ends the instance leaves the row to
 * a fresh instance, which reads SQLite and counts every attempt from there
 * (a row that always crashes the object gets one attempt more, not endless).
 */
export function processInbox(core: Core, limit = 100): FireOutcome[] {
  if (!loadEntry(core)) return [];
  const known = core.openRows.oldest(limit);
  const rows = known ?? openInbox(core, limit);
  if (rows.length === 0) return [];
  // (rows from memory were stored by this instance and never attempted: not marked, see above)
  if (!known) core.tx(() => markProcessing(core, rows[0].id, core.now()));
  const out: FireOutcome[] = [];
  let allClosed = true;
  rows.forEach((r, i) => {
    const attempt = r.attempts + 1;
    if (attempt > MAX_INBOX_ATTEMPTS) {
      out.push(giveUp(core, r, "gave up after repeated failures"));
      core.openRows.closed(r.id);
      return;
    }
    try {
      out.push(processRow(core, r));
      core.openRows.closed(r.id);
    } catch (e) {
      const error = String((e as Error).message);
      if (attempt >= MAX_INBOX_ATTEMPTS) {
        out.push(giveUp(core, r, error));
        core.openRows.closed(r.id);
      } else {
        core.tx(() => noteInboxError(core, r.id, error, i > 0 || known !== null));
        core.openRows.forget();
        allClosed = false;
      }
    }
  });
  // read from SQLite and nothing left open: the next rows are the ones this instance stores
  if (!known && allClosed && rows.length < limit) core.openRows.empty();
  return out;
}
