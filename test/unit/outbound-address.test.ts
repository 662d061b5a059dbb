/** Non-public outbound addresses: every form the URL parser normalizes, embedded IPv4, names; and the deployment flag. */
import { describe, expect, it } from "vitest";
import { nonPublicReason, privateUrlProblem } from "../../src/domain/outbound-address";
import { outboundUrlProblem, privateTargetsAllowed } from "../../src/policy/outbound-urls";

describe("nonPublicReason", () => {
  it.each([
    ["http://127.0.0.1:9000/hook", "loopback"],
    ["http://127.1/", "loopback"],
    ["http://2130706433/", "loopback"],
    ["http://0x7f.1/", "loopback"],
    ["http://0177.0.0.1/", "loopback"],
    ["http://017700000001/", "loopback"],
    ["http://localhost:8787/", "loopback"],
    ["http://LOCALHOST./", "loopback"],
    ["http://api.localhost/", "loopback"],
    ["http://[::1]/", "loopback"],
    ["http://[::ffff:127.0.0.1]/", "loopback"],
    ["http://[::ffff:7f00:1]/", "loopback"],
    ["http://[::127.0.0.1]/", "loopback"],
    ["http://0/", "unspecified"],
    ["http://0.0.0.0/", "unspecified"],
    ["http://[::]/", "unspecified"],
    ["http://10.1.2.3/", "private"],
    ["http://172.16.0.1/", "private"],
    ["http://172.31.255.255/", "private"],
    ["http://192.168.1.1/", "private"],
    ["http://[fc00::1]/", "private (unique local)"],
    ["http://[fd00:ec2::254]/", "private (unique local)"],
    ["http://169.254.169.254/latest/meta-data/", "link-local"],
    ["http://[::ffff:169.254.169.254]/", "link-local"],
    ["http://[64:ff9b::a9fe:a9fe]/", "link-local"],
    ["http://[2002:a9fe:a9fe::1]/", "link-local"],
    ["http://[fe80::1]/", "link-local"],
    ["http://100.64.0.1/", "carrier-grade NAT"],
    ["http://100.100.100.200/", "carrier-grade NAT"],
    ["http://192.0.0.192/", "reserved"],
    ["http://240.0.0.1/", "reserved"],
    ["http://255.255.255.255/", "broadcast"],
    ["http://224.0.0.1/", "multicast"],
    ["http://[ff02::1]/", "multicast"],
    ["http://metadata.google.internal/computeMetadata/v1/", "cloud metadata"],
  ])("%s is %s", (url, reason) => {
    expect(nonPublicReason(url)).toBe(reason);
  });

  it.each([
    "https://api.example.com/items",
    "https://flows.example/billing",
    "http://93.184.216.34/",
    "http://8.8.8.8/",
    "http://172.32.0.1/",
    "http://100.128.0.1/",
    "http://[2606:4700::1111]/",
    "http://[::ffff:8.8.8.8]/",
    "http://[64:ff9b::808:808]/",
    "http://localhost.example.com/",
    "http://127.0.0.1.nip.io/", // a name: not resolved here (a Worker's fetch resolves public DNS only)
    "not a url",
  ])("%s is allowed", (url) => {
    expect(nonPublicReason(url)).toBeNull();
  });

  it("the problem sentence says what is refused and how a deployment allows it", () => {
    expect(privateUrlProblem("http://10.0.0.1/")).toMatch(/^must not point at a private address.*ALLOW_PRIVATE_TARGETS=true/);
    expect(privateUrlProblem("https://example.com/")).toBeNull();
  });
});

describe("the ALLOW_PRIVATE_TARGETS flag", () => {
  it("only true (the string or the boolean) allows private targets", () => {
    for (const v of ["true", " TRUE ", true]) expect(privateTargetsAllowed({ ALLOW_PRIVATE_TARGETS: v }), String(v)).toBe(true);
    for (const v of [undefined, "", "false", "1", "yes", false, 1]) expect(privateTargetsAllowed({ ALLOW_PRIVATE_TARGETS: v }), String(v)).toBe(false);
  });

  it("decides whether a private URL is a problem", () => {
    expect(outboundUrlProblem({}, "http://127.0.0.1/")).toMatch(/loopback/);
    expect(outboundUrlProblem({ ALLOW_PRIVATE_TARGETS: "true" }, "http://127.0.0.1/")).toBeNull();
  });
});
