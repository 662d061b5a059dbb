/** validatePoll: a usable poll block passes; each kind of mistake gives a sentence naming the field. */
import { describe, expect, it } from "vitest";
import { validatePoll } from "../../src/domain/poll/validate";

const good = {
  url: "https://api.example.com/items",
  method: "GET",
  headers: { authorization: "Bearer secret-token" },
  every: "5m",
  itemsPointer: "/items",
  idPointer: "/id",
  cursor: { param: "since", fromPointer: "/nextCursor" },
  startFrom: "beginning",
  timeoutMs: 10_000,
};

describe("validatePoll", () => {
  it("accepts a full block and a minimal one", () => {
    expect(validatePoll(good)).toEqual([]);
    expect(validatePoll({ url: "http://localhost:8787/feed", cron: "*/5 * * * *" })).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ["not an object", null as unknown as Record<string, unknown>, /^poll must be an object$/],
    ["unknown field", { ...good, interval: "5m" }, /poll\.interval is not a poll setting/],
    ["missing url", { ...good, url: undefined }, /poll\.url must be an http or https URL/],
    ["ftp url", { ...good, url: "ftp://example.com/x" }, /http or https/],
    ["relative url", { ...good, url: "/items" }, /http or https/],
    ["credentials in url", { ...good, url: "https://user:pw@example.com/" }, /user name or password/],
    ["method", { ...good, method: "DELETE" }, /poll\.method must be GET or POST/],
    ["headers not an object", { ...good, headers: ["a"] }, /poll\.headers must be an object/],
    ["bad header name", { ...good, headers: { "bad name": "x" } }, /not a valid header name/],
    ["header twice", { ...good, headers: { Accept: "a", accept: "b" } }, /given twice/],
    ["header value not a string", { ...good, headers: { accept: 5 } }, /poll\.headers\.accept must be a string/],
    ["header injection", { ...good, headers: { accept: "a\r\nx-evil: 1" } }, /line breaks/],
    ["every too short", { ...good, every: "1s" }, /at least 5s/],
    ["every and cron", { ...good, cron: "* * * * *" }, /only one of every and cron/],
    ["itemsPointer", { ...good, itemsPointer: "items" }, /poll\.itemsPointer must be a JSON pointer/],
    ["idPointer", { ...good, idPointer: "/a~2" }, /poll\.idPointer must be a JSON pointer/],
    ["cursor shape", { ...good, cursor: "since" }, /poll\.cursor must be an object/],
    ["cursor param", { ...good, cursor: { param: "", fromPointer: "/n" } }, /cursor\.param/],
    ["cursor pointer", { ...good, cursor: { param: "since", fromPointer: "" } }, /cursor\.fromPointer/],
    ["cursor extra", { ...good, cursor: { param: "since", fromPointer: "/n", x: 1 } }, /poll\.cursor\.x is not a cursor setting/],
    ["startFrom", { ...good, startFrom: "yesterday" }, /startFrom must be "now" or "beginning"/],
    ["timeoutMs", { ...good, timeoutMs: 120_000 }, /timeoutMs must be an integer from 100 to 60000/],
    ["timeoutMs not integer", { ...good, timeoutMs: 1.5 }, /timeoutMs/],
  ])("%s", (_name, poll, message) => {
    const problems = validatePoll(poll);
    expect(problems.some((p) => message.test(p)), problems.join(" | ")).toBe(true);
  });

  it("lists every problem at once and never quotes a header value", () => {
    const problems = validatePoll({ url: "ftp://x", every: "1s", headers: { authorization: "Bearer s3cr3t\n" }, method: "PUT" });
    expect(problems.length).toBeGreaterThanOrEqual(4);
    expect(problems.join(" ")).not.toContain("s3cr3t");
  });
});
