/** What a CLI command is: its options, its positional arguments and what it does. */
import type { ParseArgsConfig } from "node:util";
import type { SignalboxClient } from "../../../client/client";
import { UsageError, type Out } from "../output";

type CommandContext = {
  args: string[];
  flags: Record<string, string | boolean | undefined>;
  client: SignalboxClient;
  out: Out;
  env: Record<string, string | undefined>;
  /** aborted on Ctrl-C / SIGTERM */
  signal: AbortSignal;
};

export type Command = {
  options: NonNullable<ParseArgsConfig["options"]>;
  positionals: string[];
  optionalPositionals?: number;
  run(ctx: CommandContext): Promise<number>;
};

/** A whole-number flag, or undefined when absent; anything else is a usage error. */
export function intFlag(v: string | boolean | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== "string" || v.trim() === "" || !Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number`);
  return n;
}
