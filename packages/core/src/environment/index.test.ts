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
    const history = [move(3, 2, 3), move(2, 1, 2), move(1, null, 1)];
    expect(moveToUndo(history)?.fromVersion).toBe(2);
    const afterOne = [move(4, 3, 2, 3), ...history];
    expect(moveToUndo(afterOne)?.fromVersion).toBe(1);
    const afterTwo = [move(5, 2, 1, 2), ...afterOne];
    expect(moveToUndo(afterTwo)?.id).toBe(1);
    expect(moveToUndo(afterTwo)?.fromVersion).toBeNull();
  });

  it("has nothing to undo on an empty history", () => {
    expect(moveToUndo([])).toBeUndefined();
  });
});
