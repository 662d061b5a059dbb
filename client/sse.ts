/** A minimal Server-Sent Events reader over fetch (the live stream): yields `{id, event, data}` per event, skips comments. */

export type SseEvent = { id: string | undefined; event: string | undefined; data: string };

/** Reads an SSE body incrementally until it ends or the signal aborts. */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const dec = new TextDecoder();
  let buf = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buf += dec.decode(value, { stream: true }).replace(/\r\n?/g, "\n");
      for (let i = buf.indexOf("\n\n"); i >= 0; i = buf.indexOf("\n\n")) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const ev: SseEvent = { id: undefined, event: undefined, data: "" };
        let lines = 0;
        for (const line of block.split("\n")) {
          if (line === "" || line.startsWith(":")) continue;
          const colon = line.indexOf(":");
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
          if (field === "id") ev.id = value;
          else if (field === "event") ev.event = value;
          else if (field === "data") ev.data += (lines++ ? "\n" : "") + value;
        }
        if (ev.id !== undefined || ev.event !== undefined || lines) yield ev;
      }
    }
  } finally {
    // a consumer that stops early (tail --count) closes the connection rather than leaving it open
    await reader.cancel().catch(() => {});
  }
}
