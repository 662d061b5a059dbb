/** Source-IP allowlists: IPv4/IPv6 addresses and CIDR ranges, mapped IPv4, garbage. */
import { describe, expect, it } from "vitest";
import { ipAllowed, parseCidr, validateAllowlist } from "../../src/domain/ip-allowlist";

describe("ipAllowed", () => {
  it("IPv4 /24 in and out", () => {
    const list = ["192.0.2.0/24"];
    for (const ip of ["192.0.2.0", "192.0.2.1", "192.0.2.255"]) expect(ipAllowed(ip, list), ip).toBe(true);
    for (const ip of ["192.0.3.0", "192.0.1.255", "10.0.0.1", "192.0.20.1"]) expect(ipAllowed(ip, list), ip).toBe(false);
  });

  it("odd prefix lengths", () => {
    expect(ipAllowed("10.0.0.1", ["10.0.0.0/31"])).toBe(true);
    expect(ipAllowed("10.0.0.2", ["10.0.0.0/31"])).toBe(false);
    expect(ipAllowed("172.31.255.255", ["172.16.0.0/12"])).toBe(true);
    expect(ipAllowed("172.32.0.0", ["172.16.0.0/12"])).toBe(false);
  });

  it("/32 and single addresses", () => {
    expect(ipAllowed("203.0.113.9", ["203.0.113.9/32"])).toBe(true);
    expect(ipAllowed("203.0.113.10", ["203.0.113.9/32"])).toBe(false);
    expect(ipAllowed("203.0.113.9", ["203.0.113.9"])).toBe(true);
    expect(ipAllowed("203.0.113.8", ["203.0.113.9"])).toBe(false);
  });

  it("/0 admits every IPv4 address but not IPv6", () => {
    for (const ip of ["0.0.0.0", "8.8.8.8", "255.255.255.255", "::ffff:1.2.3.4"]) expect(ipAllowed(ip, ["0.0.0.0/0"]), ip).toBe(true);
    expect(ipAllowed("2001:db8::1", ["0.0.0.0/0"])).toBe(false);
    expect(ipAllowed("2001:db8::1", ["::/0"])).toBe(true);
  });

  it("a range with host bits set means its network", () => {
    expect(ipAllowed("192.0.2.200", ["192.0.2.5/24"])).toBe(true);
    expect(ipAllowed("192.0.3.1", ["192.0.2.5/24"])).toBe(false);
  });

  it("IPv6 /64 in and out", () => {
    const list = ["2001:db8:abcd:12::/64"];
    for (const ip of ["2001:db8:abcd:12::1", "2001:0db8:abcd:0012:ffff:ffff:ffff:ffff", "2001:DB8:ABCD:12:1:2:3:4"]) {
      expect(ipAllowed(ip, list), ip).toBe(true);
    }
    for (const ip of ["2001:db8:abcd:13::1", "2001:db8:abcd:11:ffff:ffff:ffff:ffff", "2001:db9:abcd:12::1", "::1"]) {
      expect(ipAllowed(ip, list), ip).toBe(false);
    }
  });

  it("full and compressed forms are the same address", () => {
    expect(ipAllowed("2001:0db8:0000:0000:0000:ff00:0042:8329", ["2001:db8::ff00:42:8329"])).toBe(true);
    expect(ipAllowed("2001:db8::ff00:42:8329", ["2001:0db8:0000:0000:0000:ff00:0042:8329/128"])).toBe(true);
    expect(ipAllowed("::1", ["0:0:0:0:0:0:0:1"])).toBe(true);
    expect(ipAllowed("::", ["::/128"])).toBe(true);
    expect(ipAllowed("1::", ["1:0:0:0:0:0:0:0"])).toBe(true);
    expect(ipAllowed("1:2:3:4:5:6:7::", ["1:2:3:4:5:6:7:0"])).toBe(true);
    expect(ipAllowed("::2:3:4:5:6:7:8", ["0:2:3:4:5:6:7:8"])).toBe(true);
    expect(ipAllowed("fe80::1:0:0:1", ["fe80:0:0:0:1::1"])).toBe(true);
    expect(ipAllowed("::2", ["::1"])).toBe(false);
  });

  it("odd IPv6 prefix lengths", () => {
    expect(ipAllowed("2001:db8:8000::1", ["2001:db8:8000::/33"])).toBe(true);
    expect(ipAllowed("2001:db8:7fff::1", ["2001:db8:8000::/33"])).toBe(false);
    expect(ipAllowed("2001:db8::1", ["2001:db8::/127"])).toBe(true);
    expect(ipAllowed("2001:db8::2", ["2001:db8::/127"])).toBe(false);
  });

  it("IPv4-mapped IPv6 matches IPv4 entries and the other way round", () => {
    expect(ipAllowed("::ffff:192.0.2.7", ["192.0.2.0/24"])).toBe(true);
    expect(ipAllowed("::FFFF:192.0.2.7", ["192.0.2.0/24"])).toBe(true);
    expect(ipAllowed("::ffff:c000:207", ["192.0.2.0/24"])).toBe(true);
    expect(ipAllowed("0:0:0:0:0:ffff:192.0.2.7", ["192.0.2.7"])).toBe(true);
    expect(ipAllowed("::ffff:192.0.3.7", ["192.0.2.0/24"])).toBe(false);
    expect(ipAllowed("192.0.2.7", ["::ffff:192.0.2.0/120"])).toBe(true);
    expect(ipAllowed("192.0.3.7", ["::ffff:192.0.2.0/120"])).toBe(false);
    expect(ipAllowed("192.0.2.7", ["::ffff:0:0/96"])).toBe(true);
    // IPv4-compatible (not mapped) addresses are plain IPv6.
    expect(ipAllowed("::192.0.2.7", ["192.0.2.0/24"])).toBe(false);
  });

  it("several entries: any may match", () => {
    const list = ["10.0.0.0/8", "2001:db8::/32", "198.51.100.7"];
    expect(ipAllowed("10.200.1.1", list)).toBe(true);
    expect(ipAllowed("2001:db8:1::5", list)).toBe(true);
    expect(ipAllowed("198.51.100.7", list)).toBe(true);
    expect(ipAllowed("198.51.100.8", list)).toBe(false);
  });

  it("null, unparsable ips and an empty list are refused", () => {
    expect(ipAllowed(null, ["0.0.0.0/0", "::/0"])).toBe(false);
    expect(ipAllowed("192.0.2.1", [])).toBe(false);
    const garbage = ["", " ", "localhost", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.-4", "1.2.3.4/24", "[::1]",
      "fe80::1%eth0", "1:::2", "1::2::3", "12345::1", "g::1", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", ":1:2:3:4:5:6:7", "1.2.3.4::", "::1.2.3.4:5", "::ffff:1.2.3.256"];
    for (const ip of garbage) expect(ipAllowed(ip, ["0.0.0.0/0", "::/0"]), ip).toBe(false);
  });

  it("unparsable entries match nothing and do not throw", () => {
    expect(ipAllowed("192.0.2.1", ["nonsense", "192.0.2.0/33", 42 as unknown as string])).toBe(false);
    expect(ipAllowed("192.0.2.1", ["nonsense", "192.0.2.0/24"])).toBe(true);
  });
});

describe("parseCidr", () => {
  it("accepts addresses and ranges", () => {
    for (const s of ["192.0.2.0/24", "0.0.0.0/0", "10.0.0.1", "10.0.0.1/32", "::/0", "::1", "2001:db8::/32", "2001:db8::/128", "::ffff:10.0.0.0/104", " 192.0.2.0/24 "]) {
      expect(parseCidr(s), s).toEqual({ ok: true });
    }
  });

  it("explains what is wrong", () => {
    expect(parseCidr("10.0.0.0/33")).toEqual({ ok: false, error: "prefix length must be 0-32" });
    expect(parseCidr("::/129")).toEqual({ ok: false, error: "prefix length must be 0-128" });
    expect(parseCidr("hello/8")).toEqual({ ok: false, error: "not an IPv4 or IPv6 address" });
    expect(parseCidr("")).toEqual({ ok: false, error: "empty entry" });
    for (const s of ["10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8/8", "10.0.0.0/x", "10.0.0.0/ 8", "10.0.0.0/1000"]) {
      expect(parseCidr(s).ok, s).toBe(false);
    }
  });
});

describe("validateAllowlist", () => {
  it("accepts a list of valid entries, including an empty one", () => {
    expect(validateAllowlist(["192.0.2.0/24", "2001:db8::/32"])).toEqual([]);
    expect(validateAllowlist([])).toEqual([]);
  });

  it("names each bad entry by index", () => {
    const problems = validateAllowlist(["192.0.2.0/24", "nope", 7, "10.0.0.0/40"]);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^ipAllowlist\[1\] "nope": not an IPv4 or IPv6 address$/);
    expect(problems[1]).toMatch(/^ipAllowlist\[2\] must be a string$/);
    expect(problems[2]).toMatch(/^ipAllowlist\[3\] .*prefix length must be 0-32$/);
  });

  it("refuses non-arrays and oversized lists", () => {
    for (const value of [null, undefined, "192.0.2.0/24", { 0: "192.0.2.0/24" }]) {
      expect(validateAllowlist(value)).toEqual(["ipAllowlist must be an array of strings"]);
    }
    expect(validateAllowlist(Array.from({ length: 1001 }, () => "10.0.0.1"))).toHaveLength(1);
  });
});
