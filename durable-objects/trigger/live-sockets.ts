/**
 * The live listeners' WebSocket lifecycle on the object: the upgrade (the
 * Worker's SSE and WebSocket routes), acks, closes, and the wake from
 * hibernation, when the sockets (and their cursors, in attachments) are
 * still there and memory is not. While any listener is open, committed
 * events are pumped to them (./live.ts); with none, nothing is kept for them.
 */
import type { TriggerHost } from "./host";
import { acceptListener, hasListeners, onListenerMessage, pumpAll } from "./live";

/** At start: pings are answered by the runtime (an idle listener never wakes the object); listeners from before a hibernation are pumped again. */
export function startListeners(host: TriggerHost): void {
  host.ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  restoreListeners(host);
}

/**
 * After a wake from hibernation: committed events go to the listeners still connected.
 * @internal (exported for tests)
 */
export function restoreListeners(host: TriggerHost): void {
  if (hasListeners(host.ctx)) host.core.onEventsCommitted = () => pumpAll(host.core, host.ctx);
}

/** A WebSocket upgrade to /live; anything else is 404. */
export function openListener(host: TriggerHost, request: Request): Response {
  const url = new URL(request.url);
  if (url.pathname !== "/live" || request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("not found", { status: 404 });
  const res = acceptListener(host.core, host.ctx, url);
  if (res.status === 101) host.core.onEventsCommitted ??= () => pumpAll(host.core, host.ctx);
  return res;
}

export function listenerMessage(host: TriggerHost, ws: WebSocket, message: string | ArrayBuffer): void {
  onListenerMessage(host.core, ws, message);
}

/** A listener left: the socket is closed back; with no listener left, the events kept for them go. */
export function listenerClosed(host: TriggerHost, ws: WebSocket, code: number): void {
  try {
    ws.close(code === 1005 || code === 1006 ? 1000 : code, "closed");
  } catch {
    // already closed
  }
  if (!hasListeners(host.ctx)) {
    host.core.onEventsCommitted = undefined;
    host.core.recentEvents = [];
    host.core.recentBytes = 0;
  }
}
