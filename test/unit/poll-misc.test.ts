/** The poll request with the cursor, timeouts and the response size cap. */
import { describe, expect, it } from "vitest";
import { pollRequest } from "../../src/domain/poll/request";
import {
  DEFAULT_MAX_POLL_RESPONSE_BYTES, DEFAULT_POLL_TIMEOUT_MS, pollTimeoutMs, readBodyCapped, responseSizeProblem,
} from "../../src/domain/poll/limits";

describe("pollRequest", () => {
  const cursor = { param: "since", fromPointer: "/next" };
  it("adds the stored cursor as a query parameter, replacing one in the URL", () => {
    expect(pollRequest({ url: "https://api.example.com/items?limit=50", cursor }, "c 2&x").url).toBe("https://api.example.com/items?limit=50&since=c+2%26x");
    expect(pollRequest({ url: "https://api.example.com/items?since=old", cursor }, "new").url).toBe("https://api.example.com/items?since=new");
  });
  it("sends the URL as it is without a stored cursor or without cursor config", () => {
    expect(pollRequest({ url: "https://api.example.com/items?a=1", cursor }, null).url).toBe("https://api.example.com/items?a=1");
    expect(pollRequest({ url: "https://api.example.com/items" }, "ignored").url).toBe("https://api.example.com/items");
  });
  it("defaults the method to GET, uppercases it and copies the headers", () => {
    const headers = { authorization: "Bearer t" };
    const r = pollRequest({ url: "https://a.example/", method: "post", headers }, null);
    expect(r).toEqual({ url: "https://a.example/", method: "POST", headers: { authorization: "Bearer t" } });
    expect(r.headers).not.toBe(headers);
    expect(pollRequest({ url: "https://a.example/" }, null)).toEqual({ url: "https://a.example/", method: "GET", headers: {} });
  });
});

describe("limits", () => {
  it("times out after 10 s unless timeoutMs says otherwise", () => {
    expect(DEFAULT_POLL_TIMEOUT_MS).toBe(10_000);
    expect(pollTimeoutMs({})).toBe(10_000);
    expect(pollTimeoutMs({ timeoutMs: 2500 })).toBe(2500);
  });

  it("refuses a content-length over 1 MiB by default", () => {
    expect(DEFAULT_MAX_POLL_RESPONSE_BYTES).toBe(1_048_576);
    expect(responseSizeProblem("1048576")).toBeNull();
    expect(responseSizeProblem("1048577")).toBe("the answer is 1048577 bytes, more than the 1048576 a poll may read");
    expect(responseSizeProblem(" 20 ", 10)).toMatch(/20 bytes/);
    for (const v of [null, undefined, "", "abc", "-1", "1e9"]) expect(responseSizeProblem(v), String(v)).toBeNull();
  });

  it("reads a body within the cap whole", async () => {
    const r = await readBodyCapped(new Response(JSON.stringify({ items: [1, 2, 3] })).body, 1024);
    expect(r.ok && new TextDecoder().decode(r.bytes)).toBe('{"items":[1,2,3]}');
    expect(await readBodyCapped(null)).toEqual({ ok: true, bytes: new Uint8Array(0) });
  });

  it("stops reading a body over the cap and cancels the stream", async () => {
    let pulled = 0, cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled++;
        c.enqueue(new Uint8Array(400));
        if (pulled > 100) c.close();
      },
      cancel() {
        cancelled = true;
      },
    });
    const r = await readBodyCapped(stream, 1000);
    expect(r).toEqual({ ok: false, error: "the answer is more than the 1000 bytes a poll may read" });
    expect(pulled).toBeLessThan(6);
    expect(cancelled).toBe(true);
  });

  it("accepts a body of exactly the cap", async () => {
    const r = await readBodyCapped(new Response(new Uint8Array(1000)).body, 1000);
    expect(r.ok && r.bytes.length).toBe(1000);
  });
});
