/**
 * zod failures (params, query, body) become 400 with the issues, written for
 * people, in details. A route may add a hint for a mistake people make there
 * (e.g. a fire payload sent without its `data` wrapper).
 */
import { AppError } from "../errors";
import { humanIssues, issueLine, type HumanIssue, type ZodLikeIssue } from "../domain/human-issues";

type Result = { success: boolean; error?: { issues: ZodLikeIssue[] }; target?: string; data?: unknown };

/** A sentence to append to the message, from the issues and the input (null: none). */
export type Hint = (issues: HumanIssue[], input: unknown, target: string | undefined) => string | null;

/** The app's default hook: throws the 400; with `hint`, adds the route's hint to the message. */
export function validationHook(result: Result, hint?: Hint) {
  if (result.success) return;
  const issues = humanIssues(result.error?.issues ?? [], result.data);
  const where = result.target === "json" ? "body" : result.target ?? "request";
  const extra = hint?.(issues, result.data, result.target);
  throw new AppError(400, "invalid_request", `${issueLine(issues, where)}${extra ? `. ${extra}` : ""}`, issues);
}
