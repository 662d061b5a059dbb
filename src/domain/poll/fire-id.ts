/** Ids of poll fires, derived from the trigger and the item id so a repeated poll, a crash between poll and commit, or two racing polls agree on them. */
import { sha256Hex } from "../bytes";

/**
 * `pol_<32 hex digits>`: the first 128 bits of SHA-256 over the JSON array
 * `[triggerKey, itemId]` (JSON so that no choice of separator lets
 * ("a:b", "c") and ("a", "b:c") collide). Pass a tenant-qualified key if
 * ids must be unique across tenants.
 * @example await pollFireId("acme/new-orders", "ord_1") // "pol_" + 32 hex digits, the same on every call
 */
export async function pollFireId(triggerKey: string, itemId: string): Promise<string> {
  const hex = await sha256Hex(JSON.stringify([triggerKey, itemId]));
  return `pol_${hex.slice(0, 32)}`;
}
