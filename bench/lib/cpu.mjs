/**
 * CPU time per process group from /proc (Linux): what each side of a
 * benchmark burns on the machine's cores, not just how long it waits.
 * `wrangler dev` runs as a process group (its Node process and workerd), so
 * a group is labelled by the `--port` its leader was started with (a
 * process in a session of its own, by its parent's group); the
 * benchmark's own process (load generator and receiver) is `bench`.
 */
import { readFileSync, readdirSync } from "node:fs";

const TICK_MS = 10; // USER_HZ is 100 on Linux

function stat(pid) {
  const s = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
  return { comm: s.slice(s.indexOf("(") + 1, s.lastIndexOf(")")), ppid: Number(f[1]), pgrp: Number(f[2]), ticks: Number(f[11]) + Number(f[12]) };
}

/** Every process's CPU ticks so far, with its group and name. */
export function cpuSnapshot() {
  const snap = new Map();
  for (const p of readdirSync("/proc")) {
    if (!/^\d+$/.test(p)) continue;
    try {
      snap.set(Number(p), stat(p));
    } catch {
      // gone meanwhile
    }
  }
  return snap;
}

function groupLabel(pgrp, ports) {
  if (pgrp === stat(process.pid).pgrp) return "bench";
  try {
    const cmd = readFileSync(`/proc/${pgrp}/cmdline`, "utf8").split("\0");
    const i = cmd.indexOf("--port");
    const label = i >= 0 ? ports[cmd[i + 1]] : undefined;
    if (label) return label;
  } catch {
    // leader gone
  }
  return "other";
}

/**
 * CPU ms spent between two snapshots, per label and process name
 * (`{ "signalbox": { workerd: 812, node: 95 }, bench: { node: 300 } }`).
 * @param {Record<string, string>} ports port → label
 */
export function cpuSpent(before, after, ports) {
  const out = {};
  for (const [pid, b] of after) {
    const ms = (b.ticks - (before.get(pid)?.ticks ?? 0)) * TICK_MS;
    if (ms <= 0) continue;
    // a process that started a session of its own (PostgreSQL's backends do) counts with its parent's group
    let label = groupLabel(b.pgrp, ports);
    if (label === "other" && b.ppid > 1) {
      try {
        label = groupLabel(stat(b.ppid).pgrp, ports);
      } catch {
        // the parent is gone
      }
    }
    const name = b.comm.startsWith("workerd") ? "workerd" : b.comm.startsWith("node") || b.comm.startsWith("MainThread") ? "node" : b.comm;
    (out[label] ??= {})[name] = (out[label][name] ?? 0) + ms;
  }
  return out;
}

/** `signalbox workerd 1.62 + node 0.21 ms; bench node 0.55 ms` per item. */
export function cpuPerItem(spent, count) {
  return Object.entries(spent)
    .filter(([label]) => label !== "other")
    .map(([label, byName]) => `${label} ${Object.entries(byName).sort((a, b) => b[1] - a[1]).map(([n, ms]) => `${n} ${(ms / count).toFixed(2)}`).join(" + ")} ms`)
    .join("; ");
}
