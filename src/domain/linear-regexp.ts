/**
 * Schema patterns that match in linear time. A payload schema's `pattern`
 * and `patternProperties` run on RE2 (re2js), whose matching time grows with
 * the input alone: `^(a+)+$` against 41 `a`s and a `!` takes microseconds
 * instead of holding the trigger's object for minutes (catastrophic
 * backtracking). Patterns are written in ECMA-262 syntax, as JSON Schema says,
 * and translated; those RE2 cannot run (backreferences, lookaround) are
 * refused when a schema is registered.
 */
import { RE2JS } from "re2js";

const NativeRegExp = RegExp;
const MAX_CACHED = 512;
/** Each distinct pattern is translated and compiled once (null: RE2 cannot run it). */
const programs = new Map<string, RE2JS | null>();

/**
 * The RE2 program for an ECMA-262 pattern, or null when RE2 cannot run it.
 * @example linearPattern("^(a+)+$")?.test("aaa") // true
 * @example linearPattern("(a)\\1") // null (a backreference)
 * @internal (exported for tests)
 */
export function linearPattern(pattern: string): RE2JS | null {
  if (programs.has(pattern)) return programs.get(pattern)!;
  let program: RE2JS | null;
  try {
    program = RE2JS.compile(RE2JS.translateRegExp(pattern));
  } catch {
    program = null;
  }
  if (programs.size >= MAX_CACHED) programs.clear();
  programs.set(pattern, program);
  return program;
}

/**
 * Why a schema pattern cannot be used, or null when it can: it must be a
 * valid ECMA-262 (`u`) regular expression that RE2 can run.
 * @example patternProblem("^[a-z]+$") // null
 * @example patternProblem("(?=x)") // "uses lookahead, lookbehind or a backreference, which cannot match in linear time"
 */
export function patternProblem(pattern: string): string | null {
  try {
    new NativeRegExp(pattern, "u");
  } catch {
    return "is not a valid regular expression";
  }
  if (!linearPattern(pattern)) return "uses lookahead, lookbehind or a backreference, which cannot match in linear time";
  return null;
}

/**
 * What the schema validator gets for `new RegExp(pattern, "u")` while it
 * validates: `test` runs on RE2. A pattern RE2 cannot run (only in a schema
 * stored before patterns were checked) keeps the native engine, and so does
 * `format: "regex"`, which only compiles the instance and never runs it.
 */
class LinearRegExp {
  private readonly program: RE2JS | null;
  private readonly native: RegExp | null;

  constructor(pattern: string | RegExp, flags?: string) {
    const source = typeof pattern === "string" ? pattern : pattern.source;
    this.program = linearPattern(source);
    this.native = this.program ? null : new NativeRegExp(source, flags);
  }

  test(input: string): boolean {
    return this.program ? this.program.test(String(input)) : this.native!.test(input);
  }
}

/**
 * Runs `fn` (synchronous: nothing else runs in the isolate meanwhile) with
 * the global `RegExp` standing for LinearRegExp. @cfworker/json-schema builds
 * its `pattern` and `patternProperties` matchers with `new RegExp(p, "u")`
 * at validation time and takes no engine option; regex literals, ours and
 * the library's, are not affected.
 */
export function withLinearRegExp<T>(fn: () => T): T {
  const global = globalThis as { RegExp: unknown };
  global.RegExp = LinearRegExp;
  try {
    return fn();
  } finally {
    global.RegExp = NativeRegExp;
  }
}
