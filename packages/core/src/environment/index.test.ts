import { describe, expect, it } from "vitest";
import { type LabelMove, moveToUndo } from "./index.js";

function move(
  id: string,
  from: number | null,
  to: number,
  revertsId: string | null = null,
): LabelMove {
  return { id, fromVersion: from, toVersion: to, revertsId };
}

describe("rollback target", () => {
  it("undoes moves newest first, like a stack", () => {
    const history = [move("d3", 2, 3), move("d2", 1, 2), move("d1", null, 1)];
    expect(moveToUndo(history)?.fromVersion).toBe(2);
    const afterOne = [move("r1", 3, 2, "d3"), ...history];
    expect(moveToUndo(afterOne)?.fromVersion).toBe(1);
    const afterTwo = [move("r2", 2, 1, "d2"), ...afterOne];
    expect(moveToUndo(afterTwo)?.id).toBe("d1");
    expect(moveToUndo(afterTwo)?.fromVersion).toBeNull();
  });

  it("has nothing to undo on an empty history", () => {
    expect(moveToUndo([])).toBeUndefined();
  });
});
