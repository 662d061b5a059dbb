/** The one error hierarchy: thrown anywhere, turned into the JSON envelope once in app.onError. */
import type { ContentfulStatusCode } from "hono/utils/http-status";

export class AppError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "AppError";
  }

  toJSON(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}

export type ErrorBody = { error: { code: string; message: string; details?: unknown } };

/** An object that has no trigger says this; the Worker, which knows the name asked for, names it (app.onError). */
export const TRIGGER_NOT_FOUND = "Trigger not found";

/**
 * The 404 of a trigger named: `Trigger 'user.created' not found`.
 * @example triggerNotFound("user.created").message // "Trigger 'user.created' not found"
 */
export const triggerNotFound = (name: string, more = "") => new AppError(404, "not_found", `Trigger '${name}' not found${more}`);

export const conflict = (message: string, details?: unknown) => new AppError(409, "conflict", message, details);

/**
 * Errors crossing a Durable Object RPC boundary lose their class; the object
 * returns this plain shape instead and the Worker rethrows it as an AppError.
 */
export type RpcFailure = { __error: { status: number; code: string; message: string; details?: unknown; headers?: Record<string, string> } };

function toRpcFailure(e: AppError): RpcFailure {
  return { __error: { status: e.status, code: e.code, message: e.message, details: e.details, headers: e.headers } };
}

export function isRpcFailure(v: unknown): v is RpcFailure {
  return typeof v === "object" && v !== null && "__error" in v;
}

/** Unwraps an RPC result, rethrowing an object-side AppError in the Worker. */
export function unwrap<T>(v: T | RpcFailure): T {
  if (isRpcFailure(v)) {
    const e = v.__error;
    throw new AppError(e.status as ContentfulStatusCode, e.code, e.message, e.details, e.headers);
  }
  return v;
}

/** Runs an object's RPC body, returning an AppError as an RpcFailure value (other errors propagate). */
export async function rpcGuard<T>(fn: () => T | Promise<T>): Promise<T | RpcFailure> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof AppError) return toRpcFailure(e);
    throw e;
  }
}
