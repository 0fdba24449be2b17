import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";

/**
 * The change feed's event types (core's FEED_EVENT_TYPES, which changes.test.ts holds this to):
 * named SSE events. Written out so the frame's chunk does not carry core and its schemas.
 */
export const EVENT_TYPES = [
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
];

/**
 * Keeps every open page in step with the server: each change (made here, in the CLI, or on
 * another instance) refetches what shows the prompt it touched. EventSource reconnects by itself
 * and resumes from the last event id; when the server cannot replay what was missed (a `reset`),
 * everything is refetched. Opened only once signed in.
 */
export function useChangeFeed(signedIn: boolean): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!signedIn) return;
    const source = new EventSource("/api/v1/changes", { withCredentials: true });
    const onChange = (event: MessageEvent<string>) => {
      const { name } = JSON.parse(event.data) as { name: string };
      void queryClient.invalidateQueries({ queryKey: ["prompt", name] });
      void queryClient.invalidateQueries({ queryKey: ["prompts"] });
    };
    for (const type of EVENT_TYPES) source.addEventListener(type, onChange);
    source.addEventListener("reset", () => void queryClient.invalidateQueries());
    return () => source.close();
  }, [queryClient, signedIn]);
}
