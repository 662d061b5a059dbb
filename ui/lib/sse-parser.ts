/**
 * A small Server-Sent Events parser (the WHATWG event-stream format): feed it
 * decoded text in chunks of any size; it calls back once per dispatched event.
 * Lines end in CRLF, LF or CR; `:` starts a comment; `data` lines join with
 * "\n"; `id` sets the last event id (kept across events, as EventSource does);
 * `retry` sets the reconnection delay. Pure, no I/O.
 */

/** @internal (exported for tests) */
export type SseEvent = { id: string | null; event: string; data: string };

export type SseHandlers = {
  onEvent: (e: SseEvent) => void;
  onRetry?: (ms: number) => void;
  onComment?: (text: string) => void;
};

/**
 * @example
 *   const p = createSseParser({ onEvent: (e) => console.log(e.id, e.event, e.data) });
 *   p.feed("id: 7\nevent: trigger.fired\ndata: {\"seq\":7}\n\n"); // logs 7 trigger.fired {"seq":7}
 */
export function createSseParser(handlers: SseHandlers) {
  let line = "";
  let skipLf = false;
  let first = true;
  let data: string[] = [];
  let type = "";
  let lastId = "";

  const dispatch = () => {
    if (data.length > 0) handlers.onEvent({ id: lastId === "" ? null : lastId, event: type || "message", data: data.join("\n") });
    data = [];
    type = "";
  };

  const onLine = (l: string) => {
    if (l === "") return dispatch();
    if (l.startsWith(":")) return handlers.onComment?.(l.slice(1).trimStart());
    const colon = l.indexOf(":");
    const field = colon < 0 ? l : l.slice(0, colon);
    let value = colon < 0 ? "" : l.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") data.push(value);
    else if (field === "event") type = value;
    else if (field === "id") {
      if (!value.includes("\0")) lastId = value;
    } else if (field === "retry") {
      if (/^\d+$/.test(value)) handlers.onRetry?.(Number(value));
    }
  };

  return {
    feed(chunk: string) {
      let text = chunk;
      if (first && text.length > 0) {
        first = false;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      let start = 0;
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (skipLf) {
          skipLf = false;
          if (c === 10) {
            start = i + 1;
            continue;
          }
        }
        if (c === 10 || c === 13) {
          onLine(line + text.slice(start, i));
          line = "";
          start = i + 1;
          skipLf = c === 13;
        }
      }
      line += text.slice(start);
    },
    /** The id of the last event seen (what a reconnect sends as Last-Event-ID), or null. */
    get lastEventId(): string | null {
      return lastId === "" ? null : lastId;
    },
  };
}
