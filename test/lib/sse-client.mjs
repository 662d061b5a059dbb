/**
 * A small SSE client for Node tests, benchmarks and the CLI's tail: reads a
 * text/event-stream response incrementally and calls `onEvent` per event
 * (`{id, event, data}`); comments (`: ping`) go to `onComment`.
 */
export async function readSse(res, { onEvent, onComment = () => {} }) {
  const reader = res.body.getReader();
  const dec = new TextDecoder();
  let buf = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buf += dec.decode(value, { stream: true });
    for (let i = buf.indexOf("\n\n"); i >= 0; i = buf.indexOf("\n\n")) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const ev = { id: undefined, event: undefined, data: "" };
      let isEvent = false;
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) onComment(line.slice(1).trim());
        else if (line.startsWith("id: ")) (ev.id = line.slice(4), (isEvent = true));
        else if (line.startsWith("event: ")) ev.event = line.slice(7);
        else if (line.startsWith("data: ")) ev.data += line.slice(6);
      }
      if (isEvent) onEvent(ev);
    }
  }
}

/** Opens the live stream of a trigger (SSE) and collects events; `close()` ends it. */
export function openLive(baseUrl, key, trigger, { after, lastEventId, types, onEvent } = {}) {
  const ctrl = new AbortController();
  const events = [];
  const q = new URLSearchParams();
  if (after !== undefined) q.set("after", String(after));
  if (types) q.set("types", types);
  const headers = { authorization: `Bearer ${key}`, ...(lastEventId !== undefined ? { "last-event-id": String(lastEventId) } : {}) };
  const done = fetch(`${baseUrl}/v1/triggers/${trigger}/events/live?${q}`, { headers, signal: ctrl.signal })
    .then(async (res) => {
      if (res.status !== 200) throw new Error(`live stream: HTTP ${res.status} ${await res.text()}`);
      await readSse(res, { onEvent: (e) => (events.push(e), onEvent?.(e)) });
    })
    .catch((e) => {
      if (e.name !== "AbortError") throw e;
    });
  return { events, done, close: () => ctrl.abort() };
}
