/**
 * The CLI's flow commands (bin/signalbox.mjs) against a real `wrangler dev`
 * and local receivers: flows, flow <name>, set (the whole policy replaced,
 * --clear), pause/resume holding and releasing a real delivery, activity,
 * a flow breaker opened by real failures, and recover replaying failed
 * deliveries (dry run, once only, trigger subset). Bad flag values exit 2
 * and write nothing. Every process is bounded; everything is on 127.0.0.1.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { eventually, startReceiver, startWrangler } from "./lib/wrangler.mjs";
import { spawnCli } from "./lib/cli.mjs";

let sb;
let ok;
let failing;

const cli = (args, opts) => spawnCli(sb, args, opts).done;
/** Runs the CLI and expects exit 0; resolves to its stdout. */
async function cliOk(args) {
  const r = await cli(args);
  assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}
const json = async (args) => JSON.parse(await cliOk([...args, "--json"]));

/** A trigger with an http subscription of `flow` to `url`. */
async function subscribed(trigger, flow, url) {
  assert.equal((await sb.api("PUT", `/v1/triggers/${trigger}`, { body: { type: "event" } })).status, 201);
  const s = await sb.api("PUT", `/v1/triggers/${trigger}/subscriptions/${flow}`, { body: { target: { type: "http", url } } });
  assert.equal(s.status, 201, s.text);
}
const fire = async (trigger, data) => {
  const r = await sb.api("POST", `/v1/triggers/${trigger}/fire`, { body: { data } });
  assert.equal(r.status, 202, r.text);
  return r.json.eventId;
};
const deliveryStatus = async (trigger, eventId) => (await sb.api("GET", `/v1/triggers/${trigger}/fires/${eventId}`)).json.deliveries.map((d) => d.status);
const pathCount = (receiver, path) => receiver.requests.filter((r) => r.path === path).length;

before(async () => {
  ok = await startReceiver();
  failing = await startReceiver({ status: 400 });
  sb = await startWrangler();
}, { timeout: 120_000 });

after(async () => {
  await sb?.stop();
  await ok?.close();
  await failing?.close();
}, { timeout: 30_000 });

test("bad flag values and wrong actions exit 2 before any request", { timeout: 90_000 }, async () => {
  // each value's own message is unit-tested (test/unit/cli-flow-args.test.ts); here: the real bin, the real server
  const bad = [
    ["flow", "cli.bad", "set", "--rate", "50"],
    ["flow", "cli.bad", "set", "--concurrency", "0"],
    ["flow", "cli.bad", "set"],
    ["flow", "cli.bad", "set", "--clear", "--concurrency", "2"],
    ["flow", "cli.bad", "recover"],
    ["flow", "cli.bad", "recover", "--since", "yesterday"],
    ["flow", "cli.bad", "recover", "--since", "1h", "--until", "2h"],
    ["flow", "cli.bad", "recover", "--since", "1h", "--status", "queued"],
    ["flow", "cli.bad", "recover", "--since", "1h", "--trigger", "not a name"],
    ["flow", "cli.bad", "restart"],
    ["flow", "cli.bad", "pause", "--since", "1h"],
    ["flow", "--concurrency", "0", "cli.bad", "set"], // the action word may come after options
  ];
  const stderr = [];
  for (const args of bad) {
    const r = await cli(args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, /^signalbox: .+\nRun signalbox --help for usage\.\n$/s, args.join(" "));
    stderr.push(r.stderr);
  }
  assert.match(stderr[0], /--rate must be <limit>\/<period> like 50\/1s/);
  assert.match(stderr[6], /--until \(.+\) is before --since/);
  assert.match(stderr[9], /flow: unknown action "restart" \(activity, pause, resume, set, recover\)/);
  assert.match(stderr[10], /flow pause: Unknown option '--since'/);
  assert.match(stderr[11], /--concurrency must be a whole number from 1 to 1000/);
  assert.equal((await sb.api("GET", "/v1/flows/cli.bad")).status, 404, "nothing was written");
  assert.deepEqual((await sb.api("GET", "/v1/flows/cli.bad/activity")).json.entries, [], "no activity either");
  assert.match((await cli(["--help"])).stdout, /flow <name> set \[--rate 50\/1s\][\s\S]*WHOLE policy/);
});

test("set replaces the whole policy; flow and flows show it, with the subscriptions; --clear empties it", { timeout: 90_000 }, async () => {
  const set = await cliOk(["flow", "cli.paced", "set", "--rate", "50/1s", "--concurrency", "4", "--breaker", "5/30s"]);
  assert.match(set, /^Flow cli\.paced$/m);
  assert.match(set, /^ {2}policy +rate 50\/1s · conc 4 · breaker 5\/30s$/m);
  assert.match(set, /^No subscriptions\.$/m);
  assert.deepEqual((await sb.api("GET", "/v1/flows/cli.paced")).json.policy, {
    rateLimit: { limit: 50, periodSeconds: 1 }, concurrency: 4, breaker: { failureThreshold: 5, cooldownSeconds: 30 },
  });

  await subscribed("cli.paced.t", "cli.paced", `${ok.url}/paced`);
  const shown = await cliOk(["flow", "cli.paced"]);
  assert.match(shown, /^ {2}breaker +closed$/m);
  assert.match(shown, /^ {2}paused +no$/m);
  assert.match(shown, /^Subscriptions \(1\):\n {2}TRIGGER +MODE +TARGET\n {2}cli\.paced\.t +auto +http http:\/\/127\.0\.0\.1:\d+\/paced$/m);
  const one = await json(["flow", "cli.paced"]);
  assert.deepEqual(one.subscriptions.map((s) => [s.trigger, s.mode, s.target.type]), [["cli.paced.t", "auto", "http"]]);

  const table = await cliOk(["flows"]);
  assert.match(table, /^FLOW +WAITING +IN FLIGHT +BREAKER +PAUSED +HELD UNTIL +POLICY$/m);
  assert.match(table, /^cli\.paced +0 +0 +closed +no +- +rate 50\/1s · conc 4 · breaker 5\/30s$/m);

  // set again with one flag: the rest of the policy is gone
  const replaced = await json(["flow", "cli.paced", "set", "--concurrency", "2"]);
  assert.deepEqual(replaced.policy, { concurrency: 2 });
  const cleared = await cliOk(["flow", "cli.paced", "set", "--clear"]);
  assert.match(cleared, /^ {2}policy +none \(each subscription has its own default breaker\)$/m);
  assert.deepEqual((await sb.api("GET", "/v1/flows/cli.paced")).json.policy, {});
  const listed = (await json(["flows"])).find((f) => f.flow === "cli.paced");
  assert.deepEqual(listed.policy, {}, "a flow with a subscription is still listed without a policy");
});

test("pause holds a real delivery, resume releases it; set without --paused resumes, with --paused keeps it paused", { timeout: 90_000 }, async () => {
  await subscribed("cli.pause.t", "cli.pause", `${ok.url}/pause`);
  const paused = await cliOk(["flow", "cli.pause", "pause"]);
  assert.match(paused, /^ {2}paused +yes$/m);
  const eventId = await fire("cli.pause.t", { n: 1 });
  await eventually(async () => (await json(["flows"])).find((f) => f.flow === "cli.pause")?.state.waiting === 1, { what: "one delivery waiting" });
  assert.match(await cliOk(["flows"]), /^cli\.pause +1 +0 +closed +yes +- +-$/m);
  await new Promise((r) => setTimeout(r, 1_500));
  assert.equal(pathCount(ok, "/pause"), 0, "nothing is sent while paused");

  assert.match(await cliOk(["flow", "cli.pause", "resume"]), /^ {2}paused +no$/m);
  await ok.waitFor((rs) => rs.some((r) => r.path === "/pause" && r.json?.eventId === eventId), 20_000);

  assert.equal((await json(["flow", "cli.pause", "set", "--rate", "10/1s", "--paused"])).state.paused, true);
  assert.deepEqual((await json(["flow", "cli.pause", "set", "--rate", "10/1s"])).state.paused, false, "set replaces the pause too");

  const types = (await json(["flow", "cli.pause", "activity"])).map((e) => e.type);
  assert.deepEqual(types, ["flow.paused", "flow.resumed", "flow.updated", "flow.paused", "flow.resumed"]);
  const text = await cli(["flow", "cli.pause", "activity", "--limit", "2"]);
  assert.equal(text.code, 0, text.stderr);
  const lines = text.stdout.trim().split("\n");
  assert.equal(lines.length, 2, text.stdout);
  assert.match(lines[0], /^\d{4}-\d\d-\d\dT\S+Z {2}#1 {2}flow\.paused {10}\{"version":1\}$/);
  assert.match(lines[1], /#2 {2}flow\.resumed/);
  assert.match(text.stderr, /More entries follow: signalbox flow cli\.pause activity --after 2/);
  assert.deepEqual((await json(["flow", "cli.pause", "activity", "--after", "2", "--limit", "1"])).map((e) => [e.seq, e.type]), [[3, "flow.updated"]]);
});

test("a flow breaker opened by real failures shows in flows and flow", { timeout: 90_000 }, async () => {
  await cliOk(["flow", "cli.broken", "set", "--breaker", "1/1h"]);
  await subscribed("cli.broken.t", "cli.broken", `${failing.url}/broken`);
  await fire("cli.broken.t", { n: 1 });
  await eventually(async () => (await json(["flow", "cli.broken"])).state.breaker === "open", { what: "breaker open" });
  assert.match(await cliOk(["flows"]), /^cli\.broken +\d+ +0 +open +no +- +breaker 1\/1h$/m);
  assert.match(await cliOk(["flow", "cli.broken"]), /^ {2}breaker +open \(opened \d{4}-\d\d-\d\dT\S+Z\)$/m);
});

test("recover replays failed deliveries once: dry run counts, the run replays, a second run finds none; --trigger and --until narrow it", { timeout: 120_000 }, async () => {
  await subscribed("cli.rec.a", "cli.rec", `${failing.url}/rec`);
  await subscribed("cli.rec.b", "cli.rec", `${failing.url}/rec`);
  const started = Date.now();
  const fired = [await fire("cli.rec.a", { n: 1 }), await fire("cli.rec.a", { n: 2 }), await fire("cli.rec.b", { n: 3 })];
  const triggers = ["cli.rec.a", "cli.rec.a", "cli.rec.b"];
  for (const [i, id] of fired.entries()) {
    await eventually(async () => (await deliveryStatus(triggers[i], id)).includes("failed"), { what: `fire ${i + 1} failed` });
  }
  const sent = pathCount(failing, "/rec");
  assert.equal(sent, 3);

  const none = await json(["flow", "cli.rec", "recover", "--since", "10m"]);
  assert.deepEqual([none.status, none.matched, none.replayed], ["dead", 0, 0], "--status defaults to dead; these failed");

  const early = await json(["flow", "cli.rec", "recover", "--since", "1h", "--until", String(started - 1), "--status", "failed"]);
  assert.equal(early.matched, 0, "--until before the fires");

  const dry = await cli(["flow", "cli.rec", "recover", "--since", "10m", "--status", "failed", "--dry-run"]);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /^Dry run, nothing replayed: 3 failed deliveries of flow cli\.rec would be replayed \(fires from \S+Z to \S+Z; 1 call\)\.$/m);
  const dryJson = await json(["flow", "cli.rec", "recover", "--since", "10m", "--status", "failed", "--dry-run", "--trigger", "cli.rec.b"]);
  assert.deepEqual([dryJson.dryRun, dryJson.matched, dryJson.replayed, dryJson.triggers], [true, 1, 0, ["cli.rec.b"]]);

  // the flow is back (its subscriptions now reach a receiver that answers 200): replay
  for (const t of ["cli.rec.a", "cli.rec.b"]) {
    const r = await sb.api("PUT", `/v1/triggers/${t}/subscriptions/cli.rec`, { body: { target: { type: "http", url: `${ok.url}/rec` } } });
    assert.equal(r.status, 200, r.text);
  }
  const onlyB = await json(["flow", "cli.rec", "recover", "--since", "10m", "--status", "failed", "--trigger", "cli.rec.b"]);
  assert.deepEqual([onlyB.matched, onlyB.replayed, onlyB.more, onlyB.calls], [1, 1, false, 1]);
  const rest = await cliOk(["flow", "cli.rec", "recover", "--since", new Date(started - 60_000).toISOString(), "--status", "failed"]);
  assert.match(rest, /^Recovered flow cli\.rec: 2 fires replayed for 2 failed deliveries \(fires from \S+Z to \S+Z; 1 call\)\.$/m);
  await ok.waitFor((rs) => rs.filter((r) => r.path === "/rec").length >= 3, 30_000);
  const replayedIds = ok.requests.filter((r) => r.path === "/rec").map((r) => r.json.eventId).sort();
  assert.deepEqual(replayedIds, [...fired].sort(), "each fire replayed once");
  assert.equal(pathCount(failing, "/rec"), sent, "no replay went to the old target");

  const again = await json(["flow", "cli.rec", "recover", "--since", "10m", "--status", "failed"]);
  assert.deepEqual([again.matched, again.replayed], [0, 0], "a delivery is recovered only once");
  const types = (await json(["flow", "cli.rec", "activity"])).map((e) => e.type);
  assert.equal(types.filter((t) => t === "flow.recovered").length, 5, "each run that was not a dry run is in the flow's activity");
});
