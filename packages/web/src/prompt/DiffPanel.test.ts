import { describe, expect, it } from "vitest";
import { fieldName } from "./DiffPanel.js";

describe("a changed field's name", () => {
  it("counts messages from 1, as the editor does, and keeps other paths readable", () => {
    expect(fieldName("messages[0].content")).toBe("message 1, content");
    expect(fieldName("messages[2]")).toBe("message 3");
    expect(fieldName("config.temperature")).toBe("config: temperature");
    expect(fieldName("text")).toBe("text");
  });
});
