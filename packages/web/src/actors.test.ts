import { describe, expect, it } from "vitest";
import { actorName } from "./actors.js";

describe("actor names", () => {
  it("show an API key by its name, and anything else as recorded", () => {
    expect(actorName("apikey:ci-bot")).toBe("ci-bot");
    expect(actorName("apikey:apikey:odd")).toBe("apikey:odd");
    expect(actorName("gateway")).toBe("gateway");
  });
});
