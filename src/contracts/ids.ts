/**
 * Identifier formats. Ids carry what is needed to find their row without a
 * secondary index (each index row is one more row written per fire), and
 * fire ids carry a hash of their trigger so `GET /v1/fires/{eventId}` can
 * find the trigger through the index:
 *   fire (api)   evt_<trigger hash>_<seq base36>_<random>
 *   fire (hook)  whk_<trigger hash>_<inbox id base36>_<random>
 *   fire (cron)  sch_<scheduled ms base36>_<trigger hash>      (src/domain/schedule/occurrence-id.ts)
 *   fire (poll)  pol_<trigger hash>_<item hash>
 *   fire (flow)  flw_<trigger hash>_<report hash>
 *   delivery     dlv_<base64url trigger name>.<fire seq base36>.<n base36>.<random>
 * The trigger hash is the 64-bit FNV pair of "<tenant>:<name>" in hex, the
 * same one scheduled ids use. A delivery id names its trigger outright, so a
 * flow's status report reaches the right object with only the caller's tenant.
 * Older ids without the hash (evt_<seq>_<random>, whk_<id>_<random>) still parse.
 */
import { fnv1a32, hex8 } from "../domain/schedule/hash";

const B64URL = /^[A-Za-z0-9_-]+$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

function rand(n: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(n));
  let s = "";
  for (const b of bytes) s += (b % 36).toString(36);
  return s;
}

function b64urlEncode(s: string): string {
  let bin = "";
  for (const b of new TextEncoder().encode(s)) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function b64urlDecode(s: string): string | null {
  if (!B64URL.test(s)) return null;
  try {
    const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
  } catch {
    return null;
  }
}

/**
 * The 16-hex-digit hash of a tenant's trigger that fire ids carry.
 * @example triggerHash("acme", "nightly") // "…16 hex digits…"
 */
export function triggerHash(tenant: string, name: string): string {
  const key = `${tenant}:${name}`;
  return `${hex8(fnv1a32(key))}${hex8(fnv1a32(key, 0x9e3779b9))}`;
}

/** A 16-hex-digit hash of any string (item ids, report keys). */
export function shortHash(s: string): string {
  return `${hex8(fnv1a32(s))}${hex8(fnv1a32(s, 0x9e3779b9))}`;
}

export function newEventId(hash: string, seq: number): string {
  return `evt_${hash}_${seq.toString(36)}_${rand(10)}`;
}

/** The stream seq an `evt_` id points at, or null for other id shapes. */
export function seqOfEventId(id: string): number | null {
  const m = /^evt_(?:[0-9a-f]{16}_)?([0-9a-z]{1,11})_[0-9a-z]{10}$/.exec(id);
  return m ? parseInt(m[1], 36) : null;
}

export function newWebhookEventId(hash: string, inboxId: number): string {
  return `whk_${hash}_${inboxId.toString(36)}_${rand(8)}`;
}

/** The inbox row a `whk_` id was stored as, or null for other id shapes. */
export function inboxIdOfEventId(id: string): number | null {
  const m = /^whk_(?:[0-9a-f]{16}_)?([0-9a-z]{1,11})_[0-9a-z]{8}$/.exec(id);
  return m ? parseInt(m[1], 36) : null;
}

/** The trigger hash a fire id carries (every current format), or null. */
export function hashOfEventId(id: string): string | null {
  const m =
    /^(?:evt|whk|pol|flw)_([0-9a-f]{16})_[0-9a-z_]+$/.exec(id) ?? /^sch_[0-9a-z]{9}_([0-9a-f]{16})$/.exec(id);
  return m ? m[1] : null;
}

export function pollEventId(hash: string, itemId: string): string {
  return `pol_${hash}_${shortHash(itemId)}`;
}

export function flowEventId(hash: string, reportKey: string): string {
  return `flw_${hash}_${shortHash(reportKey)}`;
}

export function newDeliveryId(triggerName: string, seq: number, n: number): string {
  return `dlv_${b64urlEncode(triggerName)}.${seq.toString(36)}.${n.toString(36)}.${rand(6)}`;
}

/** A delivery id's fire seq and number (its row key) without decoding the trigger name, or null when malformed. */
export function deliveryKey(id: string): { seq: number; n: number } | null {
  const m = /^dlv_[A-Za-z0-9_-]{1,200}\.([0-9a-z]{1,11})\.([0-9a-z]{1,6})\.[0-9a-z]{6}$/.exec(id);
  return m ? { seq: parseInt(m[1], 36), n: parseInt(m[2], 36) } : null;
}

/** Splits a delivery id into its trigger name, fire seq and number, or null when malformed. */
export function parseDeliveryId(id: string): { trigger: string; seq: number; n: number } | null {
  const m = /^dlv_([A-Za-z0-9_-]{1,200})\.([0-9a-z]{1,11})\.([0-9a-z]{1,6})\.[0-9a-z]{6}$/.exec(id);
  if (!m) return null;
  const trigger = b64urlDecode(m[1]);
  if (!trigger || !NAME.test(trigger)) return null;
  return { trigger, seq: parseInt(m[2], 36), n: parseInt(m[3], 36) };
}
