/** What a CLI command is: its options, its positional arguments and what it does. */
import type { ParseArgsConfig } from "node:util";
import type { SignalboxClient } from "../../../client/client";
import { UsageError, type Out } from "../output";

/** Parsed options: a string, a boolean switch, or the strings of an option given several times (`multiple`). */
export type Flags = Record<string, string | boolean | string[] | undefined>;

type CommandContext = {
  args: string[];
  flags: Flags;
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
  /**
   * Actions named by the word after this command's positionals (`flow <name> pause`): each is a
   * command of its own (options, positionals without the word); without the word, `run` runs.
   */
  actions?: Record<string, Command>;
  run(ctx: CommandContext): Promise<number>;
};

/** A whole-number flag, or undefined when absent; anything else is a usage error. */
export function intFlag(v: Flags[string], name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== "string" || v.trim() === "" || !Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number`);
  return n;
}
