/** Test helpers for the live stream: an incremental SSE reader over a fetch Response. */
export type SseEvent = { id?: string; event?: string; data: string };

export function sseReader(res: Response) {
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let buf = "";
  const events: SseEvent[] = [];
  const comments: string[] = [];
  let ended = false;
  const parse = () => {
    for (let i = buf.indexOf("\n\n"); i >= 0; i = buf.indexOf("\n\n")) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const ev: SseEvent = { data: "" };
      let isEvent = false;
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) comments.push(line.slice(1).trim());
        else if (line.startsWith("id: ")) (ev.id = line.slice(4), (isEvent = true));
        else if (line.startsWith("event: ")) ev.event = line.slice(7);
        else if (line.startsWith("data: ")) ev.data += line.slice(6);
      }
      if (isEvent) events.push(ev);
    }
  };
  /** Reads until `n` events arrived (or the stream ended, or ms passed). */
  const until = async (n: number, ms = 5000): Promise<SseEvent[]> => {
    const end = Date.now() + ms;
    while (events.length < n && !ended && Date.now() < end) {
      const r = await Promise.race([reader.read(), new Promise<null>((res) => setTimeout(() => res(null), Math.max(1, end - Date.now())))]);
      if (r === null) break;
      if (r.done) ended = true;
      else (buf += dec.decode(r.value, { stream: true }), parse());
    }
    return events;
  };
  return { events, comments, until, ended: () => ended, cancel: () => reader.cancel().catch(() => {}) };
}
