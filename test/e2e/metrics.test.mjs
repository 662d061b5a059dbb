/**
 * GET /v1/metrics on a real `wrangler dev`, scraped during load: 300 fires
 * over five triggers with an http subscriber each. Every scrape parses
 * (real exposition parser), counters never go down between scrapes, and
 * once the load settles (figures may lag by up to 10 s) each trigger's
 * fires_total equals its stream's trigger.fired count and its delivered
 * deliveries equal what the receiver got.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import parse from "parse-prometheus-text-format";
import { eventually, pool, startReceiver, startWrangler } from "./lib/wrangler.mjs";

let sb;
let receiver;
const TRIGGERS = ["m.a", "m.b", "m.c", "m.d", "m.e"];
const FIRES = 300;

before(async () => {
  receiver = await startReceiver();
  sb = await startWrangler();
}, { timeout: 120_000 });

after(async () => {
  await sb?.stop();
  await receiver?.close();
}, { timeout: 30_000 });

async function scrape() {
  const res = await fetch(`${sb.baseUrl}/v1/metrics`, { headers: { authorization: `Bearer ${sb.apiKey}` } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type"), /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  const families = parse(text); // throws on malformed exposition
  const get = (name, labels) => {
    const f = families.find((x) => x.name === name);
    const m = f?.metrics.find((s) => Object.entries(labels).every(([k, v]) => s.labels?.[k] === v));
    return m ? Number(m.value ?? m.count) : 0;
  };
  return { text, families, get };
}

async function firedInStream(name) {
  let n = 0;
  for (let after = 0; ; ) {
    const r = await sb.api("GET", `/v1/triggers/${name}/events?limit=500&after=${after}&types=trigger.fired`);
    n += r.json.events.length;
    if (!r.json.nextCursor && r.json.events.length < 500) return n;
    after = r.json.events.at(-1)?.seq ?? after + 500;
  }
}

test("metrics scraped during load parse, never go down, and match the streams once settled", { timeout: 120_000 }, async () => {
  for (const t of TRIGGERS) {
    assert.equal((await sb.api("PUT", `/v1/triggers/${t}`, { body: { type: "event" } })).status, 201);
    assert.equal((await sb.api("PUT", `/v1/triggers/${t}/subscriptions/sink`, { body: { target: { type: "http", url: `${receiver.url}/${t}` } } })).status, 201);
  }
  let scraping = true;
  const scrapes = [];
  const scraper = (async () => {
    while (scraping) {
      const s = await scrape();
      scrapes.push(Object.fromEntries(TRIGGERS.map((t) => [t, s.get("signalbox_fires_total", { trigger: t, source: "api" })])));
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  const answers = await pool(FIRES, 8, (i) => sb.api("POST", `/v1/triggers/${TRIGGERS[i % TRIGGERS.length]}/fire`, { body: { data: { i } } }));
  for (const a of answers) assert.equal(a.status, 202, a.text);
  await eventually(() => receiver.requests.length >= FIRES, { timeoutMs: 60_000, what: "every delivery" });
  const final = await eventually(async () => {
    const s = await scrape();
    return TRIGGERS.every((t) => s.get("signalbox_deliveries_total", { trigger: t, flow: "sink", status: "delivered" }) === FIRES / TRIGGERS.length) ? s : null;
  }, { timeoutMs: 20_000, what: "the metrics to catch up (≤ 10 s behind)" });
  scraping = false;
  await scraper;
  assert.ok(scrapes.length >= 3, `scraped during the load (${scrapes.length})`);
  for (let i = 1; i < scrapes.length; i++) for (const t of TRIGGERS) assert.ok(scrapes[i][t] >= scrapes[i - 1][t], `fires_total of ${t} went down between scrapes`);
  for (const t of TRIGGERS) {
    assert.equal(final.get("signalbox_fires_total", { trigger: t, type: "event", source: "api" }), await firedInStream(t), `${t}: fires_total = the stream's trigger.fired`);
    assert.equal(final.get("signalbox_deliveries_total", { trigger: t, flow: "sink", status: "delivered" }), receiver.requests.filter((r) => r.path === `/${t}`).length);
    // (the parser folds a histogram's series into one object, so its count is read from its own line)
    assert.match(final.text, new RegExp(`^signalbox_delivery_latency_seconds_count\\{trigger="${t.replace(".", "\\.")}"\\} ${FIRES / TRIGGERS.length}$`, "m"), "latency histogram count");
    assert.equal(final.get("signalbox_deliveries_pending", { trigger: t }), 0);
  }
});
