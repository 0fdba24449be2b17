import type { NotFoundHandler } from "hono";
import { problem } from "./problem.js";

/** The answer for a path no route takes, with a hint for the usual cause under prompts. */
export const notFound: NotFoundHandler = (c) => {
  const hint = c.req.path.startsWith("/api/v1/prompts/")
    ? " — encode '/' in prompt names as %2F (support%2Frefund-agent)"
    : "";
  return problem(c, 404, "not_found", `no route for ${c.req.method} ${c.req.path}${hint}`);
};
