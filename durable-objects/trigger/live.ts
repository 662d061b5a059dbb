/**
 * Live listeners of the stream: hibernatable WebSockets on the object
 * (ctx.acceptWebSocket). Each socket's attachment is its cursor: `sent` (the
 * last seq examined for it), `acked` (the last seq the listener confirmed)
 * and its type filter. One pump serves the stored backlog and the new events
 * alike, in seq order from `sent`, so a listener gets every event once,
 * none skipped; it stops WINDOW events ahead of `acked`, so a slow listener
 * costs the object a cursor, never a buffer. Pings are answered by the
 * runtime (setWebSocketAutoResponse) without waking the object: an idle
 * listener keeps nothing awake.
 */
import type { Core } from "./core";
import { loadEntry } from "./tables/entry";
import { eventsAfter, headSeq } from "./tables/events";
import { shapeEvent } from "./reads";
import type { StreamEvent } from "../../src/contracts/views";

/**
 * A listener may be at most this many seqs ahead of its last ack.
 * @internal (exported for tests)
 */
export const WINDOW = 1_000;
const PAGE = 200;
const TAG = "live";

type LiveCursor = { sent: number; acked: number; types: string[] | null };

/** Opens a listener (the object's fetch handler for the upgrade): 404 for an unknown trigger. */
export function acceptListener(core: Core, ctx: DurableObjectState, url: URL): Response {
  if (!loadEntry(core)) return Response.json({ error: { code: "not_found", message: "Trigger not found" } }, { status: 404 });
  const after = Math.max(0, Number(url.searchParams.get("after") ?? 0) || 0);
  const types = (url.searchParams.get("types") ?? "").split(",").filter(Boolean);
  const pair = new WebSocketPair();
  const [client, server] = [pair[0], pair[1]];
  ctx.acceptWebSocket(server, [TAG]);
  const cursor: LiveCursor = { sent: after, acked: after, types: types.length ? types : null };
  server.serializeAttachment(cursor);
  pump(core, server, cursor);
  return new Response(null, { status: 101, webSocket: client });
}

/** Sends what the listener has not had yet, up to its window; returns the cursor. */
function pump(core: Core, ws: WebSocket, cursor: LiveCursor = ws.deserializeAttachment() as LiveCursor): LiveCursor {
  const head = headSeq(core);
  let changed = false;
  while (cursor.sent < head && cursor.sent - cursor.acked < WINDOW) {
    const budget = Math.min(PAGE, WINDOW - (cursor.sent - cursor.acked));
    const fromMemory = core.recentEvents.length > 0 && core.recentEvents[0].seq <= cursor.sent + 1;
    const page = fromMemory ? recentAfter(core, cursor.sent, budget) : storedAfter(core, cursor.sent, budget);
    if (page.scannedTo <= cursor.sent) break;
    try {
      for (const ev of page.events) if (!cursor.types || cursor.types.includes(ev.type)) ws.send(JSON.stringify(ev));
    } catch {
      return cursor; // the socket closed meanwhile
    }
    cursor.sent = page.scannedTo;
    changed = true;
  }
  if (changed) ws.serializeAttachment(cursor);
  return cursor;
}

function recentAfter(core: Core, after: number, budget: number): { events: StreamEvent[]; scannedTo: number } {
  const events = core.recentEvents.filter((e) => e.seq > after).slice(0, budget).map(({ bytes: _, ...e }) => e);
  return { events, scannedTo: events.length ? events[events.length - 1].seq : after };
}

function storedAfter(core: Core, after: number, budget: number): { events: StreamEvent[]; scannedTo: number } {
  const page = eventsAfter(core, after, budget, null, budget);
  return { events: page.rows.map((r) => shapeEvent(core, r)), scannedTo: page.rows.length ? page.rows[page.rows.length - 1].seq : page.scannedTo };
}

/** After events commit: every listener is pumped (the new events are served from memory). */
export function pumpAll(core: Core, ctx: DurableObjectState): void {
  for (const ws of ctx.getWebSockets(TAG)) pump(core, ws);
}

/** A listener's message: `{"ack": seq}` moves its window. Anything else is ignored. */
export function onListenerMessage(core: Core, ws: WebSocket, message: string | ArrayBuffer): void {
  if (typeof message !== "string") return;
  let seq: unknown;
  try {
    seq = (JSON.parse(message) as { ack?: unknown }).ack;
  } catch {
    return;
  }
  if (typeof seq !== "number" || !Number.isFinite(seq)) return;
  const cursor = ws.deserializeAttachment() as LiveCursor;
  if (seq <= cursor.acked) return;
  cursor.acked = Math.min(seq, cursor.sent);
  ws.serializeAttachment(cursor);
  pump(core, ws, cursor);
}

/** Whether the object has live listeners (so committed events are kept in memory for them). */
export function hasListeners(ctx: DurableObjectState): boolean {
  return ctx.getWebSockets(TAG).length > 0;
}
