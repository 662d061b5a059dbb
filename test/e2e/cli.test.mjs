/**
 * The CLI (bin/signalbox.mjs) against a real `wrangler dev`: exit codes,
 * ls, fire, tail --json seeing a fire, listen --forward-to delivering signed
 * requests to a local receiver (and acking them), and sync from a JSON file
 * and a TypeScript module (dry run, apply, no-op, prune, local validation,
 * flow policies).
 * Every process is bounded in time; everything listens on 127.0.0.1.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT, startReceiver, startWrangler, verifyWebhook } from "./lib/wrangler.mjs";
import { spawnCli as spawnCliIn } from "./lib/cli.mjs";

let sb;
let receiver;
let dir;

const spawnCli = (args, opts) => spawnCliIn(sb, args, opts);
const cli = (args, opts) => spawnCli(args, opts).done;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "signalbox-cli-"));
  receiver = await startReceiver();
  sb = await startWrangler();
}, { timeout: 120_000 });

after(async () => {
  await sb?.stop();
  await receiver?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
}, { timeout: 30_000 });

test("exit codes: usage 2, API error 1, help 0", { timeout: 60_000 }, async () => {
  assert.equal((await cli([])).code, 2);
  assert.equal((await cli(["frobnicate"])).code, 2);
  assert.equal((await cli(["fire"])).code, 2, "missing <trigger>");
  assert.equal((await cli(["ls", "--bogus"])).code, 2, "unknown option");
  assert.equal((await cli(["ls"], { env: { SIGNALBOX_URL: "" } })).code, 2, "no server configured");
  const help = await cli(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Exit codes:[\s\S]*3 +validation failed/);
  const unknown = await cli(["fire", "no.such.trigger", "{}"]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /HTTP 404 not_found/);
  assert.equal((await cli(["ls"], { env: { SIGNALBOX_API_KEY: "wrong" } })).code, 1, "401");
});

test("ls lists triggers (table and --json), --type filters", { timeout: 60_000 }, async () => {
  assert.equal((await sb.api("PUT", "/v1/triggers/cli.ls.event", { body: { type: "event" } })).status, 201);
  assert.equal((await sb.api("PUT", "/v1/triggers/cli.ls.manual", { body: { type: "manual" } })).status, 201);
  const table = await cli(["ls"]);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^NAME +TYPE +STATUS/m);
  assert.match(table.stdout, /^cli\.ls\.event +event +active/m);
  const json = await cli(["ls", "--type", "manual", "--json"]);
  assert.equal(json.code, 0, json.stderr);
  const names = JSON.parse(json.stdout).map((t) => t.name);
  assert.ok(names.includes("cli.ls.manual") && !names.includes("cli.ls.event"), names.join(","));
});

test("fire: accepted with its deliveries; a payload failing the schema exits 3", { timeout: 60_000 }, async () => {
  const schema = { type: "object", required: ["n"], properties: { n: { type: "number" } } };
  assert.equal((await sb.api("PUT", "/v1/triggers/cli.fire", { body: { type: "event", schema } })).status, 201);
  const r = await cli(["fire", "cli.fire", '{"n": 1}', "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const answer = JSON.parse(r.stdout);
  assert.equal(answer.status, "accepted");
  const fire = await sb.api("GET", `/v1/triggers/cli.fire/fires/${answer.eventId}`);
  assert.deepEqual(fire.json.data, { n: 1 });
  const human = await cli(["fire", "cli.fire", '{"n": 2}']);
  assert.match(human.stdout, /^accepted: \S+ seq \d+, 0 deliveries/m);
  const bad = await cli(["fire", "cli.fire", '{"n": "one"}']);
  assert.equal(bad.code, 3, bad.stderr);
  assert.equal((await cli(["fire", "cli.fire", "{not json"])).code, 2);
});

test("tail --json sees a fire on the live stream", { timeout: 60_000 }, async () => {
  assert.equal((await sb.api("PUT", "/v1/triggers/cli.tail", { body: { type: "event" } })).status, 201);
  const tail = spawnCli(["tail", "cli.tail", "--json", "--types", "trigger.fired", "--count", "1"]);
  await new Promise((r) => setTimeout(r, 500));
  const f = await sb.api("POST", "/v1/triggers/cli.tail/fire", { body: { data: { hello: "tail" } } });
  assert.equal(f.status, 202);
  const { code, stdout, stderr } = await tail.done;
  assert.equal(code, 0, stderr);
  const ev = JSON.parse(stdout.trim().split("\n")[0]);
  assert.equal(ev.type, "trigger.fired");
  assert.equal(ev.id, f.json.eventId);
  assert.deepEqual(ev.data.payload, { hello: "tail" });
});

test("tail --count N prints exactly N events and stops while a backlog streams; the relay leaves no unhandled rejection", { timeout: 90_000 }, async () => {
  assert.equal((await sb.api("PUT", "/v1/triggers/cli.count", { body: { type: "event" } })).status, 201);
  for (let b = 0; b < 3; b++) {
    const events = Array.from({ length: 100 }, (_, i) => ({ name: "cli.count", data: { i: b * 100 + i, pad: "x".repeat(200) } }));
    assert.equal((await sb.api("POST", "/v1/events", { body: { events } })).status, 200);
  }
  const uncaught = () => (sb.output().match(/Uncaught Error: Network connection lost/g) ?? []).length;
  const before = uncaught();
  const counts = [1, 4, 7, 2, 3, 5, 1, 6];
  for (const n of counts) {
    const { code, stdout, stderr } = await cli(["tail", "cli.count", "--count", String(n)]);
    assert.equal(code, 0, stderr);
    const lines = stdout.trim().split("\n");
    assert.equal(lines.length, n, `--count ${n} printed ${lines.length} lines:\n${stdout}`);
    assert.deepEqual(lines.map((l) => Number(/#(\d+) /.exec(l)?.[1])), Array.from({ length: n }, (_, i) => i + 1), "the first n events, in order");
  }
  const json = await cli(["tail", "cli.count", "--json", "--types", "trigger.fired", "--count", "3"]);
  assert.deepEqual(json.stdout.trim().split("\n").map((l) => JSON.parse(l).data.payload.i), [0, 1, 2]);
  await new Promise((r) => setTimeout(r, 1_000));
  // A client leaving mid-stream used to leave a rejected promise in the relay (2 "Uncaught" lines per
  // stop). What may remain is the runtime's own report of the interrupted response to the dev
  // inspector, at most one per stop (scripts/dev.mjs drops it, see docs/operations.md).
  assert.ok(uncaught() - before <= counts.length + 1, `${uncaught() - before} "Uncaught" lines for ${counts.length + 1} stops:\n${sb.output().slice(-3000)}`);
});

test("listen --forward-to delivers signed fires to a local URL and acks them", { timeout: 90_000 }, async () => {
  assert.equal((await sb.api("PUT", "/v1/triggers/cli.listen", { body: { type: "event" } })).status, 201);
  const listen = spawnCli(["listen", "cli.listen", "--forward-to", `${receiver.url}/local`, "--json", "--count", "2"], { timeoutMs: 60_000 });
  const ready = JSON.parse(await listen.waitLine((l) => l.includes('"ready"')));
  assert.equal(ready.flow, "cli");
  assert.equal(ready.created, true);
  const sub = await sb.api("GET", "/v1/triggers/cli.listen");
  assert.equal(sub.json.subscriptions.cli.target.type, "pull");
  const fired = [];
  for (const i of [1, 2]) fired.push((await sb.api("POST", "/v1/triggers/cli.listen/fire", { body: { data: { i } } })).json.eventId);
  const got = (await receiver.waitFor((rs) => rs.filter((r) => r.path === "/local").length >= 2, 30_000)).filter((r) => r.path === "/local");
  for (const [i, r] of got.entries()) {
    assert.ok(verifyWebhook(ready.secret, r.headers, r.body), "the forwarded request carries a valid Standard Webhooks signature");
    assert.equal(r.json.type, "trigger.fired");
    assert.equal(r.json.eventId, fired[i]);
    assert.equal(r.json.trigger, "cli.listen");
    assert.deepEqual(r.json.data, { i: i + 1 });
    assert.equal(r.headers["webhook-id"], r.json.deliveryId);
  }
  const { code, stderr } = await listen.done;
  assert.equal(code, 0, stderr);
  const pending = await sb.api("GET", "/v1/triggers/cli.listen/subscriptions/cli/events");
  assert.equal(pending.json.events.length, 0, "both fires were acked");
});

test("sync: local validation, dry run, apply, no-op, prune; a .ts module with defineTrigger", { timeout: 90_000 }, async () => {
  const file = join(dir, "triggers.json");
  const bad = join(dir, "bad.json");
  await writeFile(bad, JSON.stringify([{ name: "cli.sync.bad", type: "nope" }, { name: "cli.sync.a", type: "event", filter: { "": 1 } }]));
  const invalid = await cli(["sync", bad]);
  assert.equal(invalid.code, 3);
  assert.match(invalid.stderr, /cli\.sync\.bad type:/);
  assert.match(invalid.stderr, /cli\.sync\.a filter/);
  await writeFile(bad, JSON.stringify({ triggers: [], flows: { "cli.sync.flow": { concurrency: 0 } } }));
  const badPolicy = await cli(["sync", bad]);
  assert.equal(badPolicy.code, 3);
  assert.match(badPolicy.stderr, /cli\.sync\.flow flows\.cli\.sync\.flow\.concurrency: must be at least 1/);

  const defs = [
    { name: "cli.sync.a", type: "event", subscriptions: { billing: { target: { type: "pull" } } } },
    { name: "cli.sync.b", type: "manual", description: "from code" },
  ];
  await writeFile(file, JSON.stringify(defs));
  const dry = await cli(["sync", file, "--dry-run", "--json"]);
  assert.equal(dry.code, 0, dry.stderr);
  assert.deepEqual(JSON.parse(dry.stdout).created.sort(), ["cli.sync.a", "cli.sync.b"]);
  assert.equal((await sb.api("GET", "/v1/triggers/cli.sync.a")).status, 404, "a dry run changes nothing");

  const applied = await cli(["sync", file]);
  assert.equal(applied.code, 0, applied.stderr);
  assert.match(applied.stdout, /\+ created +cli\.sync\.a, cli\.sync\.b|\+ created +cli\.sync\.b, cli\.sync\.a/);
  assert.equal((await sb.api("GET", "/v1/triggers/cli.sync.a")).json.source, "code");
  const again = JSON.parse((await cli(["sync", file, "--json"])).stdout);
  assert.deepEqual(again.unchanged.sort(), ["cli.sync.a", "cli.sync.b"]);

  const ts = join(dir, "triggers.ts");
  await writeFile(ts, `import { defineTrigger } from "signalbox";
const a = defineTrigger({ name: "cli.sync.a", type: "event", subscriptions: { billing: { target: { type: "pull" } } } });
export default [a];
`);
  const pruned = await cli(["sync", ts, "--prune", "--json"]);
  assert.equal(pruned.code, 0, pruned.stderr);
  const r = JSON.parse(pruned.stdout);
  assert.deepEqual(r.retired, ["cli.sync.b"]);
  assert.deepEqual(r.unchanged, ["cli.sync.a"]);
  assert.equal((await sb.api("GET", "/v1/triggers/cli.sync.b")).json.status, "retired");
});

test("sync: a file's own source wins over the default; --source wins over the file's", { timeout: 60_000 }, async () => {
  const file = join(dir, "billing.json");
  await writeFile(file, JSON.stringify({ source: "billing-service", triggers: [{ name: "cli.src.a", type: "event" }] }));
  const own = await cli(["sync", file, "--json"]);
  assert.equal(own.code, 0, own.stderr);
  assert.deepEqual(JSON.parse(own.stdout).created, ["cli.src.a"]);
  assert.equal((await sb.api("GET", "/v1/triggers/cli.src.a")).json.source, "billing-service");

  await writeFile(file, JSON.stringify({ source: "billing-service", triggers: [{ name: "cli.src.b", type: "event" }] }));
  const flagged = await cli(["sync", file, "--source", "payments", "--json"]);
  assert.equal(flagged.code, 0, flagged.stderr);
  assert.equal((await sb.api("GET", "/v1/triggers/cli.src.b")).json.source, "payments");
  // the file's source is the one pruned: cli.src.a (billing-service) is not touched by a sync of payments
  assert.equal((await sb.api("GET", "/v1/triggers/cli.src.a")).json.status, "active");
});

test("sync: docs/cli.md's triggers.ts example works as written; without its secret the message says the format", { timeout: 90_000 }, async () => {
  const doc = await readFile(join(REPO_ROOT, "docs", "cli.md"), "utf8");
  const example = /```ts\n(\/\/ triggers\.ts\n[\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(example, "docs/cli.md has the triggers.ts example");
  const file = join(dir, "doc-example", "triggers.ts");
  await mkdir(join(dir, "doc-example"), { recursive: true });
  await writeFile(file, example);
  const without = await cli(["sync", file], { env: { BILLING_HOOK_SECRET: undefined } });
  assert.equal(without.code, 3, without.stderr);
  assert.match(without.stderr, /order\.paid subscriptions\.billing\.target\.secret: a new http target needs its secret here: whsec_ followed by base64 of 24-64 bytes/);
  const secret = `whsec_${randomBytes(32).toString("base64")}`;
  const r = await cli(["sync", file, "--json"], { env: { BILLING_HOOK_SECRET: secret } });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).created.sort(), ["nightly.report", "order.paid"]);
  assert.deepEqual(JSON.parse(r.stdout).flows, { created: ["billing"], updated: [], unchanged: [], cleared: [] });
  const sub = (await sb.api("GET", "/v1/triggers/order.paid")).json.subscriptions.billing;
  assert.equal(sub.target.url, "https://billing.example.com/hook");
  assert.deepEqual((await sb.api("GET", "/v1/flows/billing")).json.policy, { rateLimit: { limit: 10, periodSeconds: 1 }, concurrency: 5 });
  const again = await cli(["sync", file], { env: { BILLING_HOOK_SECRET: secret } });
  assert.equal(again.code, 0, "a second sync with the same file is a no-op");
  assert.match(again.stdout, /flow policies: 0 created, 0 updated, 1 unchanged, 0 cleared/);
  // without its flows export, a pruning sync clears the policy the source set
  await writeFile(file, example.replace(/^export const flows = .*$/m, ""));
  const pruned = await cli(["sync", file, "--prune", "--json"], { env: { BILLING_HOOK_SECRET: secret } });
  assert.equal(pruned.code, 0, pruned.stderr);
  assert.deepEqual(JSON.parse(pruned.stdout).flows.cleared, ["billing"]);
  assert.deepEqual((await sb.api("GET", "/v1/flows/billing")).json.policy, {});
});

test("sync: a trigger of another source is a 409 whose hint names --adopt; --adopt takes it over", { timeout: 60_000 }, async () => {
  assert.equal((await sb.api("PUT", "/v1/triggers/cli.adopt", { body: { type: "event" } })).status, 201);
  const file = join(dir, "adopt.json");
  await writeFile(file, JSON.stringify([{ name: "cli.adopt", type: "event", description: "now from code" }]));
  const refused = await cli(["sync", file]);
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(refused.stderr, /HTTP 409/);
  assert.match(refused.stderr, /cli\.adopt source: .*pass --adopt to take it over/);
  assert.doesNotMatch(refused.stderr, /"adopt": true/);
  const adopted = await cli(["sync", file, "--adopt", "--json"]);
  assert.equal(adopted.code, 0, adopted.stderr);
  assert.deepEqual(JSON.parse(adopted.stdout).updated, ["cli.adopt"]);
  assert.equal((await sb.api("GET", "/v1/triggers/cli.adopt")).json.source, "code");
});
