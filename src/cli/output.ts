/** Exit codes, usage errors and how the CLI prints an API error. */
import { SignalboxError, ValidationError } from "../../client/errors";

export const EXIT = { ok: 0, api: 1, usage: 2, invalid: 3 } as const;

/** Bad arguments or configuration: exit 2 with the message (and a hint to --help). */
export class UsageError extends Error {}

/** Definitions that failed local validation: exit 3 after the problems are printed. */
export class InvalidDefinitions extends Error {
  constructor(readonly problems: { name: string; path: string; message: string }[]) {
    super(`${problems.length} problem(s) in the definitions`);
  }
}

export type Out = { json: boolean; log: (line: string) => void; err: (line: string) => void };

function printProblems(out: Out, problems: unknown): void {
  if (!Array.isArray(problems)) return;
  for (const p of problems as { name?: string; path?: string; message?: string }[]) {
    out.err(`  ${p.name ?? "?"}${p.path ? ` ${p.path}` : ""}: ${p.message ?? JSON.stringify(p)}`);
  }
}

/** Prints an error the way a person (or, with --json, a script on stderr) wants it; returns the exit code. */
export function reportError(out: Out, e: unknown): number {
  if (e instanceof UsageError) {
    out.err(`signalbox: ${e.message}\nRun signalbox --help for usage.`);
    return EXIT.usage;
  }
  if (e instanceof InvalidDefinitions) {
    if (out.json) out.err(JSON.stringify({ error: { code: "invalid_definitions", message: e.message, details: e.problems } }));
    else {
      out.err(`signalbox: ${e.message}, nothing sent:`);
      printProblems(out, e.problems);
    }
    return EXIT.invalid;
  }
  if (e instanceof SignalboxError) {
    if (out.json) out.err(JSON.stringify({ error: { status: e.status, code: e.code, message: e.message, details: e.details } }));
    else {
      out.err(`signalbox: ${e.status ? `HTTP ${e.status} ` : ""}${e.code}: ${e.message}`);
      if (Array.isArray(e.details) && e.details.some((d) => d && typeof d === "object" && "name" in d)) printProblems(out, e.details);
    }
    return e instanceof ValidationError ? EXIT.invalid : EXIT.api;
  }
  out.err(`signalbox: ${(e as Error)?.message ?? String(e)}`);
  return EXIT.api;
}

/** A table with a header row, columns padded to their widest cell (the last one is not padded). */
export function printTable(out: Out, rows: string[][]): void {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) out.log(row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]))).join("  "));
}

/** An epoch-ms time as ISO 8601 UTC, `-` for none. */
export const isoOrDash = (ms: number | null | undefined): string => (ms ? new Date(ms).toISOString() : "-");
