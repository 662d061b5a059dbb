/** `flow <name> recover` follows the API's cursor until done, adding up the counts, and stops after a bounded number of calls. */
import { describe, it, expect } from "vitest";
import { recoverAll } from "../../src/cli/recover-all";

/** Answers like POST /v1/flows/{flow}/recover would, page by page; records the cursors it was called with. */
function server(pages: { matched: number; replayed: number; more?: boolean; cursor?: string }[], dryRun = false) {
  const cursors: (string | undefined)[] = [];
  const call = async (cursor: string | undefined) => {
    cursors.push(cursor);
    const page = pages[cursors.length - 1];
    if (!page) throw new Error(`called ${cursors.length} times, ${pages.length} pages`);
    return { dryRun, ...page };
  };
  return { call, cursors };
}

describe("recoverAll", () => {
  it("one call when the first answer has no more", async () => {
    const s = server([{ matched: 3, replayed: 2, more: false }]);
    expect(await recoverAll(s.call)).toEqual({ dryRun: false, matched: 3, replayed: 2, calls: 1, more: false });
    expect(s.cursors).toEqual([undefined]);
  });

  it("follows each answer's cursor and adds up the counts", async () => {
    const s = server([{ matched: 10, replayed: 10, more: true, cursor: "c1" }, { matched: 10, replayed: 9, more: true, cursor: "c2" }, { matched: 4, replayed: 4 }], true);
    expect(await recoverAll(s.call)).toEqual({ dryRun: true, matched: 24, replayed: 23, calls: 3, more: false });
    expect(s.cursors).toEqual([undefined, "c1", "c2"]);
  });

  it("stops after maxCalls, keeping more and the cursor to continue from", async () => {
    const s = server(Array.from({ length: 10 }, (_, i) => ({ matched: 1, replayed: 1, more: true, cursor: `c${i + 1}` })));
    expect(await recoverAll(s.call, 4)).toEqual({ dryRun: false, matched: 4, replayed: 4, calls: 4, more: true, cursor: "c4" });
    expect(s.cursors).toEqual([undefined, "c1", "c2", "c3"]);
  });

  it("refuses an answer with more but no cursor instead of starting over", async () => {
    const s = server([{ matched: 1, replayed: 1, more: true }]);
    await expect(recoverAll(s.call)).rejects.toThrow(/more: true without a cursor/);
    expect(s.cursors).toHaveLength(1);
  });
});
