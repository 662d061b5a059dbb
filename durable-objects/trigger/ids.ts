/**
 * Identifier formats. Ids carry what is needed to find their row without a
 * secondary index (each index row would be one more row written per fire):
 *   event    evt_<seq base36>_<random>
 *   delivery dlv_<base64url trigger name>.<fire seq base36>.<n base36>.<random>
 * A delivery id names its trigger, so POST /v1/deliveries/{id}/status can
 * reach the right object with only the caller's tenant.
 */
const B64URL = /^[A-Za-z0-9_-]+$/;

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

export function newEventId(seq: number): string {
  return `evt_${seq.toString(36)}_${rand(10)}`;
}

/** The stream seq an `evt_` id points at, or null for other id shapes. */
export function seqOfEventId(id: string): number | null {
  const m = /^evt_([0-9a-z]{1,11})_[0-9a-z]{10}$/.exec(id);
  return m ? parseInt(m[1], 36) : null;
}

export function newDeliveryId(triggerName: string, seq: number, n: number): string {
  return `dlv_${b64urlEncode(triggerName)}.${seq.toString(36)}.${n.toString(36)}.${rand(6)}`;
}

/** The first id a fire's deliveries sort after, for a primary-key range scan. */
export function deliveryIdPrefix(triggerName: string, seq: number): string {
  return `dlv_${b64urlEncode(triggerName)}.${seq.toString(36)}.`;
}

/** Splits a delivery id into its trigger name and fire seq, or null when malformed. */
export function parseDeliveryId(id: string): { trigger: string; seq: number } | null {
  const m = /^dlv_([A-Za-z0-9_-]{1,200})\.([0-9a-z]{1,11})\.([0-9a-z]{1,6})\.[0-9a-z]{6}$/.exec(id);
  if (!m) return null;
  const trigger = b64urlDecode(m[1]);
  if (!trigger || !/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(trigger)) return null;
  return { trigger, seq: parseInt(m[2], 36) };
}
