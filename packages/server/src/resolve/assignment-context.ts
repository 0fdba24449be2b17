import { type AssignmentContext, Invalid } from "@promptline/core";

/** The header that names the caller's unit, for clients that can't change the query. */
export const UNIT_HEADER = "x-promptline-unit";

/** A request's `context` parameter: a JSON object of attributes, or undefined when not given. */
export function parseContext(context: string | undefined): AssignmentContext | undefined {
  if (context === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(context);
  } catch {
    throw new Invalid('context is not JSON: give an object of attributes, e.g. {"plan":"pro"}');
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new Invalid('context must be a JSON object of attributes, e.g. {"plan":"pro"}');
  }
  return parsed as AssignmentContext;
}
