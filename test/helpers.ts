/** Test helpers: calling the Worker through its real fetch handler with a tenant's key. */
import { env as workerEnv } from "cloudflare:workers";
import { createExecutionContext } from "cloudflare:test";
import worker from "../src/index";

export const KEYS = { acme: "acme-key", acmeRead: "acme-read", acmeFire: "acme-fire", globex: "globex-key" } as const;

/**
 * Calls the Worker's own fetch handler directly: `exports.default.fetch` gets
 * slower with every call in this pool version (measured: /healthz 0.1 ms
 * direct, 90 ms through exports after ~800 calls).
 */
export async function fetchWorker(request: Request): Promise<Response> {
  return worker.fetch(request as any, workerEnv as any, createExecutionContext());
}

export type Call = { status: number; body: any; headers: Headers };

export async function call(method: string, path: string, body?: unknown, opts: { key?: string | null; headers?: Record<string, string>; raw?: string } = {}): Promise<Call> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  const key = opts.key === undefined ? KEYS.acme : opts.key;
  if (key) headers.authorization = `Bearer ${key}`;
  let payload: string | undefined = opts.raw;
  if (body !== undefined && payload === undefined) payload = JSON.stringify(body);
  if (payload !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) headers["content-type"] = "application/json";
  const res = await fetchWorker(new Request(`http://signalbox.test${path}`, { method, headers, body: payload }));
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

let n = 0;
/** A trigger name unique within the test run (storage is shared across tests in a file). */
export const uniq = (prefix = "t") => `${prefix}.${Date.now().toString(36)}.${(n++).toString(36)}`;

import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";

/** The TriggerObject stub of a tenant's trigger (loosely typed for tests). */
export function triggerStub(tenant: string, name: string): any {
  return env.TRIGGERS.get(env.TRIGGERS.idFromName(`${tenant}:${name}`));
}

/** Runs fn inside the object (its instance, with `core` and `ctx`). */
export function inObject<T>(stub: any, fn: (obj: any) => T | Promise<T>): Promise<T> {
  return (runInDurableObject as any)(stub, fn);
}

/** Polls fn until ok(value) holds or ms pass; returns the last value (the test's assertion decides). */
export async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 8000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 30));
  }
}

/** A D1 binding whose every call fails (fault injection: swap it into an object's core.env, then swap back). */
export const brokenD1 = {
  prepare: () => {
    const stmt: any = { bind: () => stmt, run: async () => { throw new Error("injected D1 failure"); }, first: async () => { throw new Error("injected D1 failure"); }, all: async () => { throw new Error("injected D1 failure"); } };
    return stmt;
  },
  batch: async () => { throw new Error("injected D1 failure"); },
};

/** Makes the object's D1 fail until `healD1` (the object's own env is kept to restore it). */
export function breakD1(stub: any): Promise<void> {
  return inObject(stub, (o: any) => { o.__env ??= o.core.env; o.core.env = { ...o.core.env, DB: brokenD1 }; });
}

export function healD1(stub: any): Promise<void> {
  return inObject(stub, (o: any) => { if (o.__env) o.core.env = o.__env; });
}
