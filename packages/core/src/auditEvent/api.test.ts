import { describe, expect, it } from "vitest";
import { auditEventListQuerySchema, PROMPT_EVENT_TYPES } from "./api.js";

describe("audit log query", () => {
  it("reads type= as a comma-separated list, with spaces around the commas", () => {
    expect(auditEventListQuerySchema.parse({ type: "label.deployed, label.rolled_back" })).toEqual({
      type: ["label.deployed", "label.rolled_back"],
      limit: 100,
    });
  });

  it("filters prompt= over exactly the event types whose subject is a prompt", () => {
    expect(PROMPT_EVENT_TYPES).toEqual([
      "prompt.created",
      "prompt.updated",
      "draft.saved",
      "version.published",
      "label.deployed",
      "label.rolled_back",
      "evaluation.started",
      "evaluation.finished",
      "evaluation.cancelled",
      "evaluation.scored",
      "gate.passed",
      "gate.failed",
      "gate.overridden",
      "online_eval.rule_set",
      "online_eval.rule_removed",
      "rollout.started",
      "rollout.advanced",
      "rollout.paused",
      "rollout.resumed",
      "rollout.promoted",
      "rollout.aborted",
      "rollout.rolled_back",
    ]);
  });
});
