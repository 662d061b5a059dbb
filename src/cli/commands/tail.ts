/** `signalbox tail <trigger>`: the live stream, one line per event (or JSON lines); reconnects after the last seq when the stream ends. */
import { intFlag, type Command } from "./types";
import type { StreamEvent } from "../../../client/client";
import { SignalboxError } from "../../../client/errors";

/** `12:00:01.123  #42  trigger.fired  evt_…  {"order":1}` */
function eventLine(ev: StreamEvent): string {
  const data = (ev.data ?? {}) as Record<string, unknown>;
  const detail = "payload" in data ? data.payload : data;
  let text = JSON.stringify(detail) ?? "";
  if (text.length > 120) text = `${text.slice(0, 119)}…`;
  const source = typeof data.source === "string" ? ` [${data.source}]` : "";
  return `${new Date(ev.ts).toISOString().slice(11, 23)}  #${ev.seq}  ${ev.type.padEnd(20)} ${ev.id}${source}  ${text}`;
}

export const tailCommand: Command = {
  options: { types: { type: "string" }, after: { type: "string" }, count: { type: "string" } },
  positionals: ["trigger"],
  async run({ args, flags, client, out, signal }) {
    const count = intFlag(flags.count, "count");
    const types = typeof flags.types === "string" ? flags.types.split(",").map((t) => t.trim()).filter(Boolean) : undefined;
    const ctrl = new AbortController();
    signal.addEventListener("abort", () => ctrl.abort(), { once: true });
    if (!out.json) out.err(`Tailing ${args[0]}${types ? ` (${types.join(", ")})` : ""}. Ctrl-C to stop.`);
    let seen = 0;
    let after = intFlag(flags.after, "after");
    const done = () => count !== undefined && seen >= count;
    // The stream can end (a deploy, an idle proxy): continue after the last seq seen, like an EventSource.
    while (!ctrl.signal.aborted && !done()) {
      try {
        for await (const ev of client.live(args[0], { after, types, signal: ctrl.signal })) {
          after = ev.seq;
          out.log(out.json ? JSON.stringify(ev) : eventLine(ev));
          seen++;
          // leave the loop at once: events already read from the connection must not print
          // (breaking also ends the stream, closing the connection cleanly)
          if (done()) break;
        }
      } catch (e) {
        if (e instanceof SignalboxError && e.status !== 0) throw e; // an answer (404, 401 …), not a lost connection
        out.err(`tail: ${(e as Error).message}; reconnecting`);
      }
      if (!ctrl.signal.aborted && !done()) await new Promise((r) => setTimeout(r, 1_000));
    }
    return 0;
  },
};
