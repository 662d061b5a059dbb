/** The dashboard's SSE parser: the event-stream format in chunks of any size, ids kept for Last-Event-ID. */
import { describe, expect, it } from "vitest";
import { createSseParser, type SseEvent } from "../../ui/lib/sse-parser";

function parse(chunks: string[]) {
  const events: SseEvent[] = [];
  const retries: number[] = [];
  const comments: string[] = [];
  const p = createSseParser({ onEvent: (e) => events.push(e), onRetry: (ms) => retries.push(ms), onComment: (c) => comments.push(c) });
  for (const c of chunks) p.feed(c);
  return { events, retries, comments, lastEventId: p.lastEventId };
}

const STREAM = '\ufeffretry: 2000\n: ping\n\nid: 1\nevent: trigger.fired\ndata: {"seq":1}\n\nid: 2\nevent: delivery.dead\ndata: {"a":\ndata: 2}\n\n';

describe("createSseParser", () => {
  it("parses ids, types, multi-line data, comments and retry", () => {
    const r = parse([STREAM]);
    expect(r.events).toEqual([
      { id: "1", event: "trigger.fired", data: '{"seq":1}' },
      { id: "2", event: "delivery.dead", data: '{"a":\n2}' },
    ]);
    expect(r.retries).toEqual([2000]);
    expect(r.comments).toEqual(["ping"]);
    expect(r.lastEventId).toBe("2");
  });
  it("gives the same events whatever the chunking, CRLF and CR included", () => {
    const crlf = STREAM.replace(/\n/g, "\r\n");
    const cr = STREAM.replace(/\n/g, "\r");
    for (const text of [STREAM, crlf, cr]) {
      const bytes = [...text];
      expect(parse(bytes).events).toEqual(parse([STREAM]).events);
      expect(parse([text.slice(0, 7), text.slice(7, 40), text.slice(40)]).events).toEqual(parse([STREAM]).events);
    }
  });
  it("dispatches nothing for an event without data or before its blank line, defaults the type to message", () => {
    expect(parse(["event: x\n\n", "data: half"]).events).toEqual([]);
    expect(parse(["data:no space\n\n"]).events).toEqual([{ id: null, event: "message", data: "no space" }]);
  });
  it("keeps the last id across events and ignores ids with NUL and non-numeric retry", () => {
    const r = parse(["id: 5\ndata: a\n\ndata: b\n\nid: 6\u0000x\nretry: soon\ndata: c\n\n"]);
    expect(r.events.map((e) => e.id)).toEqual(["5", "5", "5"]);
    expect(r.retries).toEqual([]);
  });
});
