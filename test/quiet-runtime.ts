/**
 * Keeps a passing `npm test` down to the reporter's summary (issue 20).
 *
 * The pool runs workerd verbosely and prints its runtime diagnostics
 * ("uncaught exception; …", "exception = kj/…", native stack lines) for
 * things tests do on purpose: a poll against a closed port or an unknown
 * host, an object made to fail. Wrangler's config reader adds "Using secrets
 * defined in .dev.vars" once per test file when a .dev.vars exists. These are
 * kept here, not printed, and written out at the end if the run failed, when
 * they may explain something. Everything else passes through untouched.
 */
import type { Reporter } from "vitest/node";

// workerd's alarm bookkeeping ("NOSENTRY SQLite alarm …") and vite's note on third-party packages shipped without their sources are noise too
const DIAGNOSTIC = /^(uncaught exception;|exception = |e = kj\/|stack: \/|console warning; |NOSENTRY |Sourcemap for "[^"]*node_modules)/;
const DEV_VARS = /^Using secrets defined in \.dev\.vars\s*$/;

const kept: string[] = [];
let installed = false;
/** stderr's own write, for printing what was kept */
let writeErr: (text: string) => boolean = (text) => process.stderr.write(text);

function intercept(stream: NodeJS.WriteStream): (text: string) => boolean {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    const text = typeof chunk === "string" ? chunk : Buffer.isBuffer(chunk) ? chunk.toString("utf8") : null;
    if (text !== null && DEV_VARS.test(text)) return true;
    if (text !== null && DIAGNOSTIC.test(text)) {
      if (kept.length < 2_000) kept.push(text);
      return true;
    }
    return write(chunk, ...rest);
  }) as typeof stream.write;
  return (text) => write(text);
}

/** Installs the filter on stdout and stderr (once) and answers the reporter that prints what it kept when the run failed. */
export function quietRuntime(): Reporter {
  if (!installed) {
    installed = true;
    intercept(process.stdout);
    writeErr = intercept(process.stderr);
  }
  return {
    onTestRunEnd(_modules, errors, reason) {
      if (reason === "passed" && errors.length === 0) return;
      if (!kept.length) return;
      writeErr(`\nworkerd runtime diagnostics kept during the run (${kept.length}):\n`);
      for (const line of kept) writeErr(line.endsWith("\n") ? line : `${line}\n`);
    },
  };
}
