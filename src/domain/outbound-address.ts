/**
 * Which outbound URLs point at a non-public address (API.md Conventions,
 * "Outbound addresses"): loopback, private (RFC 1918, fc00::/7), link-local
 * (169.254.0.0/16, fe80::/10), CGNAT (100.64.0.0/10), unspecified, and the
 * other special-purpose ranges no flow lives at (multicast, broadcast,
 * reserved, discard), given as IP literals in any form the URL parser
 * normalizes (`2130706433`, `0x7f.1`, `127.1`, `[::ffff:127.0.0.1]`), as an
 * IPv6 address that embeds such an IPv4 (mapped, NAT64, 6to4,
 * IPv4-compatible), or as a name that means the local machine or a cloud
 * metadata service (`localhost`, `*.localhost`, `metadata.google.internal`).
 * Other names are not resolved: a Worker's fetch resolves public DNS only.
 */
import ipaddr from "ipaddr.js";

const REFUSED_V4 = new Set(["unspecified", "broadcast", "multicast", "linkLocal", "loopback", "carrierGradeNat", "private", "reserved"]);
const REFUSED_V6 = new Set(["unspecified", "linkLocal", "multicast", "loopback", "uniqueLocal", "deprecatedSiteLocal", "discard", "reserved", "benchmarking", "teredo"]);
/** IPv6 ranges whose last (or, for 6to4, second and third) 16-bit words carry an IPv4 address. */
const EMBEDS_V4 = new Set(["ipv4Mapped", "rfc6145", "rfc6052", "6to4"]);
const METADATA_NAMES = new Set(["metadata.google.internal", "metadata.goog"]);

/** How people call each range in a message. */
const LABELS: Record<string, string> = {
  unspecified: "unspecified", broadcast: "broadcast", multicast: "multicast", linkLocal: "link-local", loopback: "loopback",
  carrierGradeNat: "carrier-grade NAT", private: "private", reserved: "reserved", uniqueLocal: "private (unique local)",
  deprecatedSiteLocal: "site-local", discard: "discard-only", benchmarking: "benchmarking", teredo: "Teredo",
};

function v4Reason(a: ipaddr.IPv4): string | null {
  const range = a.range();
  return REFUSED_V4.has(range) ? LABELS[range] : null;
}

function v6Reason(a: ipaddr.IPv6): string | null {
  const range = a.range();
  const w = a.parts;
  if (EMBEDS_V4.has(range)) {
    const v4 = range === "6to4" ? [w[1] >> 8, w[1] & 0xff, w[2] >> 8, w[2] & 0xff] : [w[6] >> 8, w[6] & 0xff, w[7] >> 8, w[7] & 0xff];
    return v4Reason(new ipaddr.IPv4(v4));
  }
  // IPv4-compatible (::a.b.c.d, deprecated) still names an IPv4 address to some stacks
  if (range === "unicast" && w.slice(0, 6).every((x) => x === 0)) return v4Reason(new ipaddr.IPv4([w[6] >> 8, w[6] & 0xff, w[7] >> 8, w[7] & 0xff]));
  return REFUSED_V6.has(range) ? LABELS[range] : null;
}

/**
 * Why a URL's host is not a public address (e.g. "loopback"), or null when
 * it is public, or when the text is not a URL (other checks name that).
 * @example nonPublicReason("http://2130706433/hook") // "loopback"
 * @example nonPublicReason("http://[::ffff:169.254.169.254]/") // "link-local"
 * @example nonPublicReason("https://api.example.com/items") // null
 * @internal (exported for tests)
 */
export function nonPublicReason(url: string): string | null {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return null;
  }
  host = host.replace(/\.+$/, "");
  if (host === "localhost" || host.endsWith(".localhost")) return "loopback";
  if (METADATA_NAMES.has(host)) return "cloud metadata";
  if (host.startsWith("[") && host.endsWith("]")) {
    const inner = host.slice(1, -1);
    return ipaddr.IPv6.isValid(inner) ? v6Reason(ipaddr.IPv6.parse(inner)) : null;
  }
  // the URL parser already turned 2130706433, 0x7f.1 and 127.1 into dotted quads
  return ipaddr.IPv4.isValidFourPartDecimal(host) ? v4Reason(ipaddr.IPv4.parse(host)) : null;
}

/**
 * The sentence a 400 answer gives for a URL that points at a non-public
 * address, or null when the URL may be used.
 * @example privateUrlProblem("http://127.0.0.1:9000/") // "must not point at a loopback address (…ALLOW_PRIVATE_TARGETS=true…)"
 */
export function privateUrlProblem(url: string): string | null {
  const reason = nonPublicReason(url);
  if (reason === null) return null;
  return `must not point at a ${reason} address: outbound calls go to public addresses only (a deployment that needs private ones sets ALLOW_PRIVATE_TARGETS=true)`;
}
