/** The change feed's events (server-sent): whatever changes what a client resolves. */
import { z } from "zod";
import { timestampSchema } from "../api/common.js";
import { resolvedPromptSchema } from "../resolve/api.js";

/** The event types the change feed carries: whatever changes what a client resolves. */
export const FEED_EVENT_TYPES = [
  "prompt.created",
  "prompt.updated",
  "version.published",
  "label.deployed",
  "label.rolled_back",
  "gate.passed",
  "gate.failed",
  "rollout.started",
  "rollout.advanced",
  "rollout.paused",
  "rollout.resumed",
  "rollout.promoted",
  "rollout.aborted",
  "rollout.rolled_back",
] as const;
export type FeedEventType = (typeof FEED_EVENT_TYPES)[number];

export const changeEventSchema = z
  .object({
    id: z.number().int().meta({ description: "Increasing per project; resume with Last-Event-ID" }),
    type: z.enum(FEED_EVENT_TYPES),
    name: z.string().meta({ description: "The prompt that changed" }),
    payload: z.record(z.string(), z.unknown()),
    actor: z.string(),
    createdAt: timestampSchema,
    prompt: resolvedPromptSchema.optional().meta({
      description:
        "The version the moved label (or `latest`) now serves, so clients need not refetch it; its `label` is null. A rollout's start, advance, pause or resume carries the label's resolution instead: its control, with the `rollout` to assign by",
    }),
    etag: z
      .string()
      .optional()
      .meta({ description: "The ETag the resolve endpoint gives that version" }),
  })
  .meta({ id: "ChangeEvent" });
export type ChangeEvent = z.infer<typeof changeEventSchema>;
