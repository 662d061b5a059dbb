/**
 * One drain of a kind at a time per object (a TriggerObject's webhook inbox,
 * flow and run notices and D1 projection, a RunObject's outbox). An outbox
 * drain reads every due row of its kind and sends each; drains started
 * together (a burst of reports or of awaits, each settling with its own
 * drain) would each send every row, so a burst of n sent up to n² times
 * over. Here a call while a drain of its kind runs asks that drain for one
 * more pass and waits for it instead: each row is sent once per pass, and
 * the caller still returns only after a pass that began after its call. A drain running longer than STUCK_MS is taken for
 * stuck (an RPC that does not answer) and a new one starts beside it: the
 * rows a stuck drain holds are only resent, never lost (listeners dedupe).
 */
const STUCK_MS = 30_000;

type Flight = { done: Promise<void>; since: number; again: boolean };

/** by owner: the object's core (replaced when the object is reset, and its flights with it) */
const flights = new WeakMap<object, Map<string, Flight>>();

/** `pass` answers true when it stopped at its batch limit (due rows may be left): the drain then makes another pass. */
export function singleFlight(owner: object, kind: string, pass: () => Promise<boolean | void>): Promise<void> {
  let byKind = flights.get(owner);
  if (!byKind) flights.set(owner, (byKind = new Map()));
  const running = byKind.get(kind);
  const now = Date.now();
  if (running && now - running.since < STUCK_MS) {
    running.again = true;
    return running.done;
  }
  const flight: Flight = { done: Promise.resolve(), since: now, again: false };
  flight.done = (async () => {
    try {
      let full: boolean | void;
      do {
        flight.again = false;
        full = await pass();
      } while (flight.again || full === true);
    } finally {
      if (byKind.get(kind) === flight) byKind.delete(kind);
    }
  })();
  byKind.set(kind, flight);
  return flight.done;
}
