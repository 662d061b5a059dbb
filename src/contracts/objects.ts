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

/**
 * A stub of one tenant's object in a namespace.
 * @example objectStub(env.TRIGGERS, triggerObjectName("acme", "user.created"))
 */
export function objectStub<T extends Rpc.DurableObjectBranded | undefined>(ns: DurableObjectNamespace<T>, name: string): DurableObjectStub<T> {
  return ns.get(ns.idFromName(name));
}
