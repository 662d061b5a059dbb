/**
 * The live tail of a trigger's stream (SSE, read with fetch so the key goes
 * in a header). Pause closes the connection; resume reopens it from the last
 * event seen (Last-Event-ID), so nothing is missed. Filter by type; each row
 * shows the flows the event concerns with their status (ui/lib/event-summary.ts)
 * and opens to its JSON. Keeps the newest 500 events on screen.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { ApiError } from "../api";
import { useTitle } from "../hooks";
import { openLiveStream, type LiveState } from "../live-stream";
import { eventSummary } from "../lib/event-summary";
import { href } from "../lib/router";
import { Badge } from "../components/badge";
import { ErrorBox } from "../components/error-box";
import { JsonBlock } from "../components/json-block";
import { Time } from "../components/time";
import type { StreamEvent } from "../types";

const KEEP = 500;
const STATE_LABEL: Record<LiveState, string> = { connecting: "connecting…", open: "live", reconnecting: "reconnecting…", stopped: "stopped" };

/** The flows an event concerns with their status, and a short detail (HTTP status, source, reason). */
function EventFacts({ event }: { event: StreamEvent }) {
  const { flows, detail } = eventSummary(event);
  return (
    <span class="event-facts">
      {flows.map((f) => (
        <span key={f.flow} class="delivery" data-flow={f.flow} data-status={f.status}>
          {f.flow}{f.status ? <> <Badge status={f.status} /></> : null}
        </span>
      ))}
      {detail ? <span class="muted small-text"> {detail}</span> : null}
    </span>
  );
}

export function LiveTail({ name }: { name: string }) {
  useTitle(`Live: ${name}`);
  const [events, setEvents] = useState<StreamEvent[]>([]);
  const [paused, setPaused] = useState(false);
  const [state, setState] = useState<LiveState>("connecting");
  const [error, setError] = useState<ApiError | null>(null);
  const [type, setType] = useState("");
  const lastSeq = useRef<number | null>(null);

  useEffect(() => {
    setEvents([]);
    lastSeq.current = null;
  }, [name]);

  useEffect(() => {
    if (paused) {
      setState("stopped");
      return;
    }
    setError(null);
    return openLiveStream({
      name,
      after: lastSeq.current,
      onEvent: (e) => {
        if (typeof e.seq === "number") lastSeq.current = e.seq;
        setEvents((old) => {
          const next = old.length >= KEEP ? old.slice(old.length - KEEP + 1) : old.slice();
          next.push(e);
          return next;
        });
      },
      onState: (s, err) => {
        setState(s);
        if (err) setError(err);
      },
    });
  }, [name, paused]);

  const types = [...new Set(events.map((e) => e.type))].sort();
  const shown = (type ? events.filter((e) => e.type === type) : events).slice().reverse();

  return (
    <section aria-labelledby="live-h">
      <p class="crumbs"><a href={href.triggers()}>Triggers</a> / <a href={href.trigger(name)}>{name}</a> /</p>
      <div class="title-row">
        <h1 id="live-h" tabIndex={-1}>Live tail</h1>
        <Badge status={paused ? "paused" : state === "open" ? "open" : state === "stopped" ? "failed" : "pending"} label={paused ? "paused" : STATE_LABEL[state]} />
      </div>
      <div class="actions">
        <button type="button" onClick={() => setPaused(!paused)} aria-pressed={paused}>
          {paused ? "Resume" : "Pause"}
        </button>
        <label>
          Type{" "}
          <select value={type} onChange={(e) => setType(e.currentTarget.value)} data-testid="live-type">
            <option value="">all types</option>
            {types.map((t) => <option key={t} value={t}>{t}</option>)}
          </select>
        </label>
        <span class="muted small-text">
          {events.length} event{events.length === 1 ? "" : "s"} received{lastSeq.current !== null ? `, last #${lastSeq.current}` : ""}
          {paused ? " — resuming continues after the last one" : ""}
        </span>
      </div>
      <ErrorBox error={error} title="The live stream stopped" />
      {shown.length === 0 ? (
        <p class="empty">{paused ? "Paused." : `Waiting for events${type ? ` of type ${type}` : ""}… fire the trigger to see one arrive.`}</p>
      ) : (
        <ol class="events" data-testid="live-events" reversed>
          {shown.map((e) => (
            <li key={e.seq} data-seq={e.seq} data-type={e.type}>
              <details>
                <summary>
                  <span class="seq">#{e.seq}</span> <code>{e.type}</code> <Time at={e.ts ?? null} relativeOnly />
                  <EventFacts event={e} />
                  {e.id ? <span class="muted small-text"> {e.id}</span> : null}
                </summary>
                {e.id && (e.type === "trigger.fired" || e.type === "trigger.skipped") ? <a href={href.fire(name, e.id)}>Open this fire</a> : null}
                <JsonBlock value={e} />
              </details>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
