/** One delivery by its id (GET /v1/deliveries/{deliveryId}): the fire view's delivery entry plus its trigger and fire. */
import { AppError } from "../../src/errors";
import type { DeliveryLookup } from "../../src/contracts/views";
import type { Core } from "./core";
import { requireEntry } from "./tables/entry";
import { deliveryById } from "./tables/deliveries";
import { eventAt } from "./tables/events";
import { deliveryView } from "./fire-views";

export function getDelivery(core: Core, deliveryId: string): DeliveryLookup {
  const row = core.ready ? requireEntry(core) : null;
  const d = row ? deliveryById(core, deliveryId) : null;
  const ev = d ? eventAt(core, d.event_seq) : null;
  if (!row || !d || !ev) throw new AppError(404, "not_found", `Delivery '${deliveryId}' not found`);
  const view = deliveryView(core, d);
  return { ...view, trigger: row.name, eventId: ev.id, delivery: view };
}
