/**
 * The one place that names Durable Objects. Every object is addressed by its
 * tenant and its own name, so tenancy is part of the address: no caller can
 * build an object name by hand and forget the tenant.
 */

/** The name of a tenant's TriggerObject. */
export function triggerObjectName(tenant: string, trigger: string): string {
  return `${tenant}:${trigger}`;
}

/** The name of a tenant's RunObject. */
export function runObjectName(tenant: string, runId: string): string {
  return `${tenant}:${runId}`;
}

/** The name of a tenant's PollGroupObject (the group key is a hash of the poll source). */
export function pollGroupObjectName(tenant: string, groupKey: string): string {
  return `${tenant}:poll:${groupKey}`;
}

/** The name of a tenant's FlowGateObject. */
export function flowGateObjectName(tenant: string, flow: string): string {
  return `${tenant}:flow:${flow}`;
}

/**
 * A stub of an object, typed by its RPC contract (src/contracts/object-rpc.ts)
 * as the contract declares it, plus the stub's own `id`, `name` and `fetch`.
 * The runtime's type (DurableObjectStub<T>) rewrites every answer through
 * Rpc.Result, which turns an answer holding an `unknown` anywhere (a payload,
 * a JSON Schema, a transform) into `never`; the contracts' answers are plain
 * structured-clone data, so what arrives is exactly the declared type.
 */
export type ObjectStub<T extends Rpc.DurableObjectBranded> = Omit<T, typeof Rpc.__DURABLE_OBJECT_BRAND> & Pick<DurableObjectStub<T>, "id" | "name" | "fetch">;

/**
 * A stub of one tenant's object in a namespace.
 * @example objectStub(env.TRIGGERS, triggerObjectName("acme", "user.created")).get()
 */
export function objectStub<T extends Rpc.DurableObjectBranded>(ns: DurableObjectNamespace<T>, name: string): ObjectStub<T> {
  const stub: DurableObjectStub<T> = ns.get(ns.idFromName(name));
  return stub as unknown as ObjectStub<T>; // the one place the runtime's rewritten answer types give way to the contract's
}
