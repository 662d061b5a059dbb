/**
 * The CLI's entry: parses the command line, runs one command and turns
 * what happened into an exit code (see help.ts). bin/signalbox.mjs calls `run`.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { HELP } from "./help";
import { EXIT, UsageError, reportError, type Out } from "./output";
import { resolveConfig, clientFor } from "./config";
import { syncCommand } from "./commands/sync";
import { tailCommand } from "./commands/tail";
import { listenCommand } from "./commands/listen";
import { fireCommand } from "./commands/fire";
import { lsCommand } from "./commands/ls";
import { flowsCommand } from "./commands/flows";
import { flowCommand } from "./commands/flow";
import type { Command, Flags } from "./commands/types";

const COMMANDS: Record<string, Command> = {
  sync: syncCommand, tail: tailCommand, listen: listenCommand, fire: fireCommand, ls: lsCommand, flows: flowsCommand, flow: flowCommand,
};

const GLOBAL: ParseArgsConfig["options"] = {
  url: { type: "string" },
  key: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
};

export type RunOptions = { env?: Record<string, string | undefined>; out?: Out; signal?: AbortSignal };

/** Runs the CLI with argv (without node and the script); resolves to the exit code. */
export async function run(argv: string[], opts: RunOptions = {}): Promise<number> {
  const env = opts.env ?? process.env;
  const json = argv.includes("--json");
  const out: Out = opts.out ?? { json, log: (l) => void process.stdout.write(l + "\n"), err: (l) => void process.stderr.write(l + "\n") };
  try {
    const [name, ...rest] = argv;
    if (!name || name === "--help" || name === "-h" || name === "help") {
      out.log(HELP);
      return name ? EXIT.ok : EXIT.usage;
    }
    if (!Object.hasOwn(COMMANDS, name)) throw new UsageError(`unknown command ${JSON.stringify(name)}`);
    const { label, command, args } = pickAction(name, COMMANDS[name], rest);
    let parsed;
    try {
      parsed = parseArgs({ args, options: { ...GLOBAL, ...command.options }, allowPositionals: true, strict: true });
    } catch (e) {
      throw new UsageError(`${label}: ${(e as Error).message}`);
    }
    const flags = parsed.values as Flags;
    if (flags.help) {
      out.log(HELP);
      return EXIT.ok;
    }
    if (parsed.positionals.length < command.positionals.length) throw new UsageError(`${label} needs <${command.positionals.slice(parsed.positionals.length).join("> <")}>`);
    if (parsed.positionals.length > command.positionals.length + (command.optionalPositionals ?? 0)) throw new UsageError(`${label}: too many arguments`);
    const config = resolveConfig({ url: flags.url as string | undefined, key: flags.key as string | undefined }, env);
    const signal = opts.signal ?? interruptSignal();
    return await command.run({ args: parsed.positionals, flags, client: clientFor(config), out, env, signal });
  } catch (e) {
    return reportError(out, e);
  }
}

/**
 * The command to run: `name` itself, or the action named by the word after its own positionals
 * (`flow billing pause`), that word then left out of the arguments. Options may come anywhere.
 */
function pickAction(name: string, command: Command, rest: string[]): { label: string; command: Command; args: string[] } {
  if (!command.actions) return { label: name, command, args: rest };
  const options = Object.assign({}, GLOBAL, command.options, ...Object.values(command.actions).map((a) => a.options));
  const { tokens } = parseArgs({ args: rest, options, allowPositionals: true, strict: false, tokens: true });
  const word = tokens.filter((t): t is Extract<typeof t, { kind: "positional" }> => t.kind === "positional")[command.positionals.length];
  if (!word) return { label: name, command, args: rest };
  if (!Object.hasOwn(command.actions, word.value)) throw new UsageError(`${name}: unknown action ${JSON.stringify(word.value)} (${Object.keys(command.actions).join(", ")})`);
  return { label: `${name} ${word.value}`, command: command.actions[word.value], args: rest.filter((_, i) => i !== word.index) };
}

/** Aborts on the first Ctrl-C or SIGTERM, so streaming commands end cleanly with 0. */
function interruptSignal(): AbortSignal {
  const ctrl = new AbortController();
  const stop = () => ctrl.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return ctrl.signal;
}
