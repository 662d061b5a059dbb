/** The body cap of a webhook trigger: its own `maxBodyBytes`, never above the hard cap (older definitions may say more). */
import { HARD_MAX_BODY } from "../../src/contracts/limits";
import type { TriggerRow } from "./core";

export function maxBodyOf(row: TriggerRow): number {
  return Math.min(row.def.webhook?.maxBodyBytes ?? HARD_MAX_BODY, HARD_MAX_BODY);
}
