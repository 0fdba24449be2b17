import { FEED_EVENT_TYPES } from "@promptline/core";
import { expect, it } from "vitest";
import { EVENT_TYPES } from "./changes.js";

it("listens to every event type the change feed carries (rollouts' too)", () => {
  expect(EVENT_TYPES).toEqual([...FEED_EVENT_TYPES]);
});
