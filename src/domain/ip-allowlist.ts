/**
 * Webhook source-IP allowlists: IPv4 and IPv6 addresses and CIDR ranges.
 *
 * Everything is compared in the IPv6 space, with IPv4 mapped to
 * `::ffff:a.b.c.d` (an IPv4 /n becomes a /96+n), so `192.0.2.0/24` admits
 * `::ffff:192.0.2.7` and `::ffff:192.0.2.0/120` admits `192.0.2.7`. A range
 * written with host bits set (`192.0.2.5/24`) means its network, as most
 * firewalls read it.
 */

type Range = { bytes: Uint8Array; prefix: number };

const MAX_ENTRIES = 1000;

/**
 * Whether `s` is an address or CIDR range an allowlist accepts.
 *
 * @example
 * parseCidr("2001:db8::/32") // { ok: true }
 * parseCidr("10.0.0.0/33")   // { ok: false, error: "prefix length must be 0-32" }
 */
export function parseCidr(s: string): { ok: true } | { ok: false; error: string } {
  const range = parseRange(s);
  return typeof range === "string" ? { ok: false, error: range } : { ok: true };
}

/** Human-readable problems with an `ipAllowlist` value; empty when valid. */
export function validateAllowlist(list: unknown): string[] {
  if (!Array.isArray(list)) return ["ipAllowlist must be an array of strings"];
  if (list.length > MAX_ENTRIES) return [`ipAllowlist must have at most ${MAX_ENTRIES} entries`];
  const problems: string[] = [];
  list.forEach((entry, i) => {
    if (typeof entry !== "string") {
      problems.push(`ipAllowlist[${i}] must be a string`);
      return;
    }
    const result = parseCidr(entry);
    if (!result.ok) problems.push(`ipAllowlist[${i}] ${JSON.stringify(entry.slice(0, 64))}: ${result.error}`);
  });
  return problems;
}

/**
 * Whether `ip` falls in any entry of `allowlist`. A null or unparsable `ip`
 * is refused, and so is every ip against an empty list: callers skip the
 * check when a trigger has no allowlist. Unparsable entries match nothing.
 *
 * @example
 * ipAllowed("192.0.2.7", ["192.0.2.0/24"]) // true
 */
export function ipAllowed(ip: string | null, allowlist: string[]): boolean {
  if (ip === null) return false;
  const address = parseAddress(ip.trim());
  if (address === null) return false;
  let allowed = false;
  for (const entry of allowlist) {
    const range = typeof entry === "string" ? parseRange(entry) : "not a string";
    if (typeof range !== "string" && inRange(address, range)) allowed = true;
  }
  return allowed;
}

function inRange(address: Uint8Array, range: Range): boolean {
  for (let bit = 0; bit < range.prefix; bit += 8) {
    const bits = Math.min(8, range.prefix - bit);
    const mask = (0xff << (8 - bits)) & 0xff;
    if ((address[bit / 8] & mask) !== (range.bytes[bit / 8] & mask)) return false;
  }
  return true;
}

/** A Range, or why `text` is not one. */
function parseRange(text: string): Range | string {
  const trimmed = text.trim();
  if (trimmed === "") return "empty entry";
  const slash = trimmed.indexOf("/");
  const addressText = slash < 0 ? trimmed : trimmed.slice(0, slash);
  const v4 = parseIpv4(addressText);
  const bytes = v4 ? mapV4(v4) : parseIpv6(addressText);
  if (bytes === null) return "not an IPv4 or IPv6 address";
  const max = v4 ? 32 : 128;
  if (slash < 0) return { bytes, prefix: 128 };
  const prefixText = trimmed.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) return `prefix length must be 0-${max}`;
  return { bytes, prefix: Number(prefixText) + (v4 ? 96 : 0) };
}

/** 16 bytes for an IPv4 (mapped) or IPv6 address, or null. */
function parseAddress(text: string): Uint8Array | null {
  const v4 = parseIpv4(text);
  return v4 ? mapV4(v4) : parseIpv6(text);
}

function mapV4(v4: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  out.set(v4, 12);
  return out;
}

/** Dotted quad of decimal octets; leading zeros are refused (some parsers read them as octal). */
function parseIpv4(text: string): Uint8Array | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i];
    if (!/^(0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) return null;
    out[i] = Number(part);
  }
  return out;
}

/** RFC 4291 text forms: full, `::`-compressed and with a trailing dotted quad. Zone ids are refused. */
function parseIpv6(text: string): Uint8Array | null {
  if (!/^[0-9A-Fa-f:.]{2,45}$/.test(text)) return null;
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (head === null || tail === null) return null;
  // Only the very last group of the text may be a dotted quad.
  const lastColon = text.lastIndexOf(":");
  if (lastColon < 0 || text.slice(0, lastColon).includes(".")) return null;
  const all = [...head, ...tail];

  const words: number[] = [];
  for (const group of all) {
    if (group.includes(".")) {
      const v4 = parseIpv4(group);
      if (v4 === null) return null;
      words.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
    } else {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(group)) return null;
      words.push(parseInt(group, 16));
    }
  }
  const tailWords = tail.reduce((n, g) => n + (g.includes(".") ? 2 : 1), 0);
  const headWords = words.length - tailWords;
  if (halves.length === 2 ? words.length > 7 : words.length !== 8) return null;

  const out = new Uint8Array(16);
  const place = (word: number, index: number) => {
    out[index * 2] = word >> 8;
    out[index * 2 + 1] = word & 0xff;
  };
  words.slice(0, headWords).forEach((w, i) => place(w, i));
  words.slice(headWords).forEach((w, i) => place(w, 8 - tailWords + i));
  return out;
}

/** Colon-separated groups of one side of `::`; empty side gives none, an empty group is invalid. */
function groups(side: string): string[] | null {
  if (side === "") return [];
  const parts = side.split(":");
  return parts.some((p) => p === "") ? null : parts;
}
