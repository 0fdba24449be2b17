import { describe, expect, it } from "vitest";
import { axisLabel, differenceExtent, intervalPlotGeometry } from "./intervalPlot.js";

const geometry = (
  baseline: { mean: number; low: number; high: number } | null,
  candidate: { mean: number; low: number; high: number } | null,
  difference: { mean: number; low: number; high: number } | null,
) =>
  intervalPlotGeometry(
    { baseline, candidate, difference },
    { width: 320, labelWidth: 80, padding: 10 },
  );

describe("the interval plot's geometry", () => {
  it("puts score 0 at the plot's left edge, 1 at its right and 0.5 halfway", () => {
    const g = geometry({ mean: 0.5, low: 0, high: 1 }, null, null);
    expect(g.left).toBe(90);
    expect(g.right).toBe(310);
    expect(g.baseline).toEqual({ low: 90, mean: 200, high: 310, clipped: false });
    expect(g.scoreTicks.map((t) => [t.x, t.label])).toEqual([
      [90, "0"],
      [200, "0.5"],
      [310, "1"],
    ]);
  });

  it("draws a candidate worse than the baseline to the baseline's left", () => {
    const g = geometry({ mean: 0.9, low: 0.8, high: 1 }, { mean: 0.2, low: 0.1, high: 0.3 }, null);
    expect(g.candidate?.mean).toBeLessThan(g.baseline?.low ?? 0);
    expect(g.candidate?.high).toBeLessThan(g.baseline?.low ?? 0);
  });

  it("centres zero on the difference axis and keeps a negative difference left of it", () => {
    const g = geometry(null, null, { mean: -0.7, low: -0.8, high: -0.6 });
    expect(g.extent).toBe(1);
    expect(g.zero).toBe(200);
    expect(g.difference?.high).toBeLessThan(g.zero);
    expect(g.differenceTicks.map((t) => t.label)).toEqual(["−1", "0", "+1"]);
  });

  it("widens the difference axis only as far as the interval needs, so small changes show", () => {
    expect(differenceExtent({ mean: 0.01, low: -0.02, high: 0.04 })).toBe(0.05);
    expect(differenceExtent({ mean: 0.1, low: 0.06, high: 0.14 })).toBe(0.2);
    expect(differenceExtent({ mean: -0.3, low: -0.45, high: -0.2 })).toBe(0.5);
    expect(differenceExtent(null)).toBe(1);
    const g = geometry(null, null, { mean: 0.03, low: 0.01, high: 0.05 });
    expect(g.difference?.high).toBe(g.right);
    expect(g.difference?.clipped).toBe(false);
  });

  it("cuts an interval that runs past the score axis at its end and says it was cut", () => {
    const g = geometry({ mean: 0.95, low: 0.85, high: 1.05 }, null, null);
    expect(g.baseline?.high).toBe(g.right);
    expect(g.baseline?.clipped).toBe(true);
  });

  it("draws nothing for an interval that is missing or not a number", () => {
    const g = geometry(null, { mean: Number.NaN, low: Number.NaN, high: Number.NaN }, null);
    expect(g.baseline).toBeNull();
    expect(g.candidate).toBeNull();
    expect(g.difference).toBeNull();
  });

  it("labels the axis with signs and a true minus", () => {
    expect(axisLabel(-0.25)).toBe("−0.25");
    expect(axisLabel(0.5)).toBe("+0.5");
    expect(axisLabel(0)).toBe("0");
  });
});
