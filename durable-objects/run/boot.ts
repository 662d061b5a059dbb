/** Ledger wiring: the run's core with its callbacks' delivery ledger (probes name the run). */
import type { ObjectEnv } from "../../src/contracts/object-env";
import { Ledger } from "../ledger/ledger";
import { deliveryQueue } from "../ledger/queues";
import { RunCore } from "./core";
import { runCallbackStore } from "./callbacks";

export function bootRun(storage: DurableObjectStorage, env: ObjectEnv): RunCore {
  const c = new RunCore(storage, env);
  c.ledger = new Ledger(
    {
      now: () => c.now(), tx: (fn) => c.tx(fn),
      queue: (q) => deliveryQueue(c.env, q),
      probe: (id) => ({ k: "run", t: c.tenant(), n: c.runId(), d: id, a: 0, p: 1 }),
    },
    runCallbackStore(c, () => c.ready),
  );
  return c;
}
