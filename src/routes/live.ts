/**
 * GET /v1/triggers/{name}/events/live: the stream, live. The Worker opens a
 * hibernatable WebSocket to the trigger's object (which serves the stored
 * backlog after `Last-Event-ID`/`after`, then each new event as it commits)
 * and either hands that socket to a client that asked for a WebSocket, or
 * relays it as Server-Sent Events. The relay acknowledges what the client's
 * connection has taken (the object stays at most its window ahead), pings
 * both ways every 15 s, and drops a client whose buffer passes MAX_BUFFERED
 * bytes: it reconnects with Last-Event-ID and misses nothing.
 */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { scope } from "../auth/middleware";
import { AppError, triggerNotFound } from "../errors";
import { TriggerNameParam, errorResponses } from "../schemas/common";

export const live = new OpenAPIHono<AppEnv>();

const PING_MS = 15_000;
/** A client this far behind (bytes written, not yet taken) is dropped. */
const MAX_BUFFERED = 1024 * 1024;
const ACK_EVERY = 50;

const Query = z.object({
  after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().openapi({ description: "Start after this seq (Last-Event-ID wins)" }),
  types: z.string().max(1000).regex(/^[a-z._,]*$/, "comma-separated event types").optional(),
});

live.openapi(
  createRoute({
    method: "get", path: "/v1/triggers/{name}/events/live", tags: ["Streams"], security: [{ bearer: [] }], middleware: [scope("read")] as const,
    operationId: "liveEvents",
    summary: "The stream live: Server-Sent Events (or a WebSocket with Upgrade: websocket)",
    request: { params: TriggerNameParam, query: Query, headers: z.object({ "last-event-id": z.string().max(20).optional() }) },
    responses: {
      200: { description: "text/event-stream: `id: <seq>`, `event: <type>`, `data: <event JSON>` per event; `: ping` every 15 s", content: { "text/event-stream": { schema: z.string() } } },
      101: { description: "WebSocket: one JSON event per message; send {\"ack\": seq} to move the window, \"ping\" for \"pong\"" },
      ...errorResponses,
    },
  }),
  async (c) => {
    const { name } = c.req.valid("param");
    const { after, types } = c.req.valid("query");
    const lastId = c.req.header("last-event-id");
    if (lastId !== undefined && !/^\d{1,15}$/.test(lastId.trim())) throw new AppError(400, "invalid_request", "Last-Event-ID must be a stream seq");
    const from = lastId !== undefined ? Number(lastId.trim()) : after ?? 0;
    const url = `https://trigger/live?after=${from}${types ? `&types=${encodeURIComponent(types)}` : ""}`;
    const res = await c.var.store.trigger(name).fetch(url, { headers: { upgrade: "websocket" } });
    if (res.status !== 101 || !res.webSocket) {
      const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
      if (res.status === 404) throw triggerNotFound(name);
      throw new AppError(502, body?.error?.code ?? "unavailable", body?.error?.message ?? "The stream could not be opened");
    }
    if (c.req.header("upgrade")?.toLowerCase() === "websocket") return res as never; // the client talks to the object's socket
    return relayAsSse(res.webSocket) as never;
  },
);

/**
 * Relays an object socket as an SSE response with backpressure, acks and pings.
 *
 * The body is an IdentityTransformStream, whose readable side the runtime
 * pumps to the client natively. A standard TransformStream is pumped with
 * promises of the runtime's own, and when the client went away mid-stream
 * (`tail --count`, a closed tab) one of them rejected with nobody to catch it:
 * "Uncaught Error: Network connection lost." in the dev log on every stop.
 * Here the client's departure fails our pending writes, which close the relay.
 */
function relayAsSse(ws: WebSocket): Response {
  ws.accept();
  const { readable, writable } = new IdentityTransformStream();
  const writer = writable.getWriter();
  writer.closed.catch(() => {}); // settles (rejected) when the client leaves: expected, handled by close()
  const enc = new TextEncoder();
  let buffered = 0;
  let closed = false;
  let lastSeq = 0;
  let unacked = 0;
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(pinger);
    try {
      ws.close(1000, "listener gone");
    } catch {
      // already closed
    }
    writer.close().catch(() => {});
  };
  const write = (text: string, onTaken?: () => void) => {
    if (closed) return;
    const bytes = enc.encode(text);
    buffered += bytes.byteLength;
    if (buffered > MAX_BUFFERED) return close(); // a slow client: it resumes with Last-Event-ID
    writer.write(bytes).then(
      () => {
        buffered -= bytes.byteLength;
        onTaken?.();
      },
      close,
    );
  };
  const ack = () => {
    if (closed || unacked === 0) return;
    unacked = 0;
    try {
      ws.send(JSON.stringify({ ack: lastSeq }));
    } catch {
      close();
    }
  };
  write("retry: 2000\n: connected\n\n");
  ws.addEventListener("message", (m) => {
    if (typeof m.data !== "string" || m.data === "pong") return;
    let ev: { seq: number; type: string };
    try {
      ev = JSON.parse(m.data);
    } catch {
      return;
    }
    write(`id: ${ev.seq}\nevent: ${ev.type}\ndata: ${m.data}\n\n`, () => {
      lastSeq = Math.max(lastSeq, ev.seq);
      if (++unacked >= ACK_EVERY) ack();
      else queueMicrotask(ack);
    });
  });
  ws.addEventListener("close", close);
  ws.addEventListener("error", close);
  const pinger = setInterval(() => {
    write(": ping\n\n");
    try {
      ws.send("ping"); // answered by the runtime while the object hibernates
    } catch {
      close();
    }
  }, PING_MS);
  return new Response(readable, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" },
  });
}
