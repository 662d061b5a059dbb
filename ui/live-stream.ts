/**
 * Reads a trigger's live stream (`GET /v1/triggers/{name}/events/live`, SSE)
 * with fetch() — EventSource cannot send the Authorization header — and the
 * small parser in lib/sse-parser.ts. Reconnects with backoff, sending
 * `Last-Event-ID` so nothing is missed or seen twice; a connection silent for
 * longer than three ping periods (the server pings every 15 s) is dropped and
 * reopened. 401/403/404/410 end it: retrying would not help.
 */
import { ApiError, errorFromAnswer } from "./api";
import { createSseParser } from "./lib/sse-parser";
import { getKey } from "./session";
import type { StreamEvent } from "./types";

export type LiveState = "connecting" | "open" | "reconnecting" | "stopped";

export type LiveOptions = {
  name: string;
  /** start after this seq (the first URL's `after`); reconnects use Last-Event-ID */
  after?: number | null;
  onEvent: (e: StreamEvent) => void;
  onState: (state: LiveState, error?: ApiError) => void;
};

const FATAL = new Set([401, 403, 404, 410]);
const IDLE_MS = 45_000;
const MAX_BACKOFF_MS = 15_000;

/** Opens the stream; returns a function that closes it for good. */
export function openLiveStream({ name, after, onEvent, onState }: LiveOptions): () => void {
  let closed = false;
  let current: AbortController | null = null;
  let lastId: string | null = after === null || after === undefined ? null : String(after);
  let baseDelayMs = 500; // the stream's `retry:` field replaces it
  const url = `/v1/triggers/${encodeURIComponent(name)}/events/live${after ? `?after=${after}` : ""}`;

  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

  async function connectOnce(): Promise<void> {
    const ctrl = new AbortController();
    current = ctrl;
    const headers: Record<string, string> = { accept: "text/event-stream", authorization: `Bearer ${getKey() ?? ""}` };
    if (lastId !== null) headers["last-event-id"] = lastId;
    const res = await fetch(url, { headers, signal: ctrl.signal, cache: "no-store", credentials: "omit" });
    if (!res.ok) {
      const text = await res.text();
      let body: unknown = null;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON
      }
      throw errorFromAnswer(res.status, body, text);
    }
    if (!res.body || !(res.headers.get("content-type") ?? "").includes("text/event-stream")) {
      throw new ApiError(res.status, "not_a_stream", "The service did not answer with an event stream");
    }
    onState("open");
    let idle = setTimeout(() => ctrl.abort(), IDLE_MS);
    const parser = createSseParser({
      onEvent: (m) => {
        if (m.id !== null) lastId = m.id;
        try {
          const parsed = JSON.parse(m.data) as StreamEvent;
          onEvent({ ...parsed, type: parsed.type ?? m.event });
        } catch {
          onEvent({ seq: Number(m.id ?? 0), type: m.event, data: m.data });
        }
      },
      onRetry: (ms) => (baseDelayMs = Math.max(100, ms)),
    });
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        clearTimeout(idle);
        idle = setTimeout(() => ctrl.abort(), IDLE_MS);
        parser.feed(value);
      }
    } finally {
      clearTimeout(idle);
    }
  }

  (async () => {
    let attempt = 0;
    onState("connecting");
    while (!closed) {
      try {
        await connectOnce();
        attempt = 0; // the server ended a healthy stream: reconnect promptly
      } catch (e) {
        if (closed) return;
        if (e instanceof ApiError && FATAL.has(e.status)) {
          onState("stopped", e);
          return;
        }
        attempt++;
      }
      if (closed) return;
      onState("reconnecting");
      await wait(Math.min(baseDelayMs * 2 ** attempt, MAX_BACKOFF_MS));
    }
  })();

  return () => {
    closed = true;
    current?.abort();
  };
}
