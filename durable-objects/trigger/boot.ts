/**
 * Ledger wiring: a fresh Core for the object's storage with its delivery
 * ledger (the trigger's deliveries are its rows; probes name the trigger).
 * The object boots one at start and again after its trigger is deleted.
 */
import type { ObjectEnv } from "../../src/contracts/object-env";
import { Ledger } from "../ledger/ledger";
import { deliveryQueue } from "../ledger/queues";
import { Core } from "./core";
import { triggerDeliveryStore } from "./delivery-store";
import { loadEntry } from "./tables/entry";
import { askGate, reportToGate } from "./gate-marks";

export function bootCore(storage: DurableObjectStorage, env: ObjectEnv): Core {
  const core = new Core(storage, env);
  core.ledger = new Ledger(
    {
      now: () => core.now(),
      tx: (fn) => core.tx(fn),
      queue: (q) => deliveryQueue(core.env, q),
      ask: (lane, want, oldestDueAt, leaseMs) => askGate(core, lane, want, oldestDueAt, leaseMs),
      report: (lane, outcomes, unused) => reportToGate(core, lane, outcomes, unused),
      probe: (id) => ({ t: loadEntry(core)?.tenant ?? "", n: loadEntry(core)?.name ?? "", d: id, a: 0, p: 1 }),
    },
    triggerDeliveryStore(core),
  );
  return core;
}
