/**
 * Webhook source-IP allowlists: IPv4 and IPv6 addresses and CIDR ranges,
 * parsed with ipaddr.js.
 *
 * Everything is compared in the IPv6 space, with IPv4 mapped to
 * `::ffff:a.b.c.d` (an IPv4 /n becomes a /96+n), so `192.0.2.0/24` admits
 * `::ffff:192.0.2.7` and `::ffff:192.0.2.0/120` admits `192.0.2.7`. A range
 * written with host bits set (`192.0.2.5/24`) means its network, as most
 * firewalls read it. IPv4 must be four decimal parts without leading zeros
 * (some parsers read `010` as octal); IPv6 zone ids are refused.
 */
import ipaddr from "ipaddr.js";

type Range = { address: ipaddr.IPv6; prefix: number };

const MAX_ENTRIES = 1000;

/** ipaddr.js reads `::a.b.c.d` as IPv4-mapped; RFC 4291 makes it IPv4-compatible (`::0:a.b.c.d`), another address. */
const COMPATIBLE = /^::(\d{1,3}(\.\d{1,3}){3})$/;

/** An address as IPv6 (IPv4 mapped), and whether it was written as IPv4, or null. */
function parseAddress(text: string): { address: ipaddr.IPv6; v4: boolean } | null {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return { address: ipaddr.IPv4.parse(text).toIPv4MappedAddress(), v4: true };
  const v6 = text.replace(COMPATIBLE, "::0:$1");
  if (!v6.includes("%") && ipaddr.IPv6.isValid(v6)) return { address: ipaddr.IPv6.parse(v6), v4: false };
  return null;
}

/** A Range, or why `text` is not one. */
function parseRange(text: string): Range | string {
  const trimmed = text.trim();
  if (trimmed === "") return "empty entry";
  const slash = trimmed.indexOf("/");
  const parsed = parseAddress(slash < 0 ? trimmed : trimmed.slice(0, slash));
  if (parsed === null) return "not an IPv4 or IPv6 address";
  if (slash < 0) return { address: parsed.address, prefix: 128 };
  const max = parsed.v4 ? 32 : 128;
  const prefixText = trimmed.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) return `prefix length must be 0-${max}`;
  return { address: parsed.address, prefix: Number(prefixText) + (parsed.v4 ? 96 : 0) };
}

/**
 * Whether `s` is an address or CIDR range an allowlist accepts.
 *
 * @example
 * parseCidr("2001:db8::/32") // { ok: true }
 * parseCidr("10.0.0.0/33")   // { ok: false, error: "prefix length must be 0-32" }
 * @internal (exported for tests)
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
 * The parsed ranges of each allowlist, keyed by the list itself: a trigger's
 * definition is loaded once and kept, so its list is parsed once per
 * registration, not once per request.
 */
const compiled = new WeakMap<readonly unknown[], Range[]>();

function rangesOf(allowlist: readonly unknown[]): Range[] {
  let ranges = compiled.get(allowlist);
  if (!ranges) {
    ranges = allowlist.map((e) => (typeof e === "string" ? parseRange(e) : "not a string")).filter((r): r is Range => typeof r !== "string");
    compiled.set(allowlist, ranges);
  }
  return ranges;
}

/**
 * Whether `ip` falls in any entry of `allowlist`. A null or unparsable `ip`
 * is refused, and so is every ip against an empty list: callers skip the
 * check when a trigger has no allowlist. Unparsable entries match nothing.
 *
 * @example
 * ipAllowed("192.0.2.7", ["192.0.2.0/24"]) // true
 */
export function ipAllowed(ip: string | null, allowlist: readonly string[]): boolean {
  if (ip === null) return false;
  const parsed = parseAddress(ip.trim());
  if (parsed === null) return false;
  return rangesOf(allowlist).some((r) => parsed.address.match(r.address, r.prefix));
}
