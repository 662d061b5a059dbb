/** Poll group keys: equivalent sources share a key, any difference in what is polled or how it is read gives another. */
import { describe, expect, it } from "vitest";
import { canonicalPollSource, pollGroupKey } from "../../src/domain/poll/group-key";
import type { PollSpec } from "../../src/domain/poll/types";

const base: PollSpec = {
  url: "https://api.example.com/items?state=open",
  method: "GET",
  headers: { Authorization: "Bearer abc", Accept: "application/json" },
  every: "5m",
  itemsPointer: "/items",
  idPointer: "/id",
  cursor: { param: "since", fromPointer: "/nextCursor" },
};

describe("pollGroupKey", () => {
  it("is 64 lowercase hex digits and stable", async () => {
    const key = await pollGroupKey(base);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(await pollGroupKey({ ...base })).toBe(key);
  });

  it("is the SHA-256 of the canonical source", async () => {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonicalPollSource(base)));
    const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
    expect(await pollGroupKey(base)).toBe(hex);
  });

  it("ignores header name case and order, method case, defaults spelled out, URL host case and timing", async () => {
    const key = await pollGroupKey(base);
    const same: PollSpec[] = [
      { ...base, headers: { accept: "application/json", AUTHORIZATION: "Bearer abc" } },
      { ...base, method: "get" },
      { ...base, url: "https://API.Example.com:443/items?state=open" },
      { ...base, every: undefined, cron: "*/5 * * * *" },
      { ...base, startFrom: "beginning", timeoutMs: 2000 },
    ];
    for (const p of same) expect(await pollGroupKey(p), JSON.stringify(p)).toBe(key);
    const plain = { url: "https://api.example.com/items" };
    expect(await pollGroupKey({ ...plain, method: "GET", headers: {}, idPointer: "/id", itemsPointer: "" })).toBe(await pollGroupKey(plain));
  });

  it("changes with anything that changes what is polled or how the answer is read", async () => {
    const key = await pollGroupKey(base);
    const different: PollSpec[] = [
      { ...base, url: "https://api.example.com/items?state=closed" },
      { ...base, url: "https://api.example.com/Items?state=open" },
      { ...base, method: "POST" },
      { ...base, headers: { ...base.headers, Authorization: "Bearer xyz" } },
      { ...base, headers: { Authorization: "Bearer abc" } },
      { ...base, itemsPointer: "/data" },
      { ...base, idPointer: "/uuid" },
      { ...base, cursor: { param: "after", fromPointer: "/nextCursor" } },
      { ...base, cursor: { param: "since", fromPointer: "/meta/next" } },
      { ...base, cursor: undefined },
    ];
    const keys = await Promise.all(different.map(pollGroupKey));
    for (const k of keys) expect(k).not.toBe(key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("keeps header values case-sensitive and joins names that differ only in case", () => {
    expect(canonicalPollSource({ url: "https://a.example/", headers: { "X-Key": "A" } })).not.toBe(canonicalPollSource({ url: "https://a.example/", headers: { "X-Key": "a" } }));
    expect(canonicalPollSource({ url: "https://a.example/", headers: { "X-A": "1", "x-a": "2" } })).toContain('[["x-a","1, 2"]]');
  });

  it("spells the canonical form out", () => {
    expect(canonicalPollSource({ url: "https://API.example.com/items" })).toBe('["poll-group.v1","https://api.example.com/items","GET",[],"","/id",null]');
    expect(canonicalPollSource(base)).toBe(
      '["poll-group.v1","https://api.example.com/items?state=open","GET",[["accept","application/json"],["authorization","Bearer abc"]],"/items","/id",["since","/nextCursor"]]',
    );
  });
});
