import type { ScorerComparison } from "@promptline/core";
import { useId } from "react";
import { delta, interval, pValue, verdictColour } from "./format.js";
import { intervalPlotGeometry, type Whisker } from "./intervalPlot.js";

const WIDTH = 320;
const HEIGHT = 112;
/** Rows: baseline, candidate, their axis; difference, its axis. */
const Y = { baseline: 14, candidate: 34, scoreAxis: 50, difference: 80, differenceAxis: 96 };
const TEXT = "var(--mantine-color-text)";
const DIMMED = "var(--mantine-color-dimmed)";
const RULE = "var(--mantine-color-default-border)";

/** One interval: a line between its ends, caps at both, a dot at the mean. */
function WhiskerMark({ whisker, y, colour }: { whisker: Whisker; y: number; colour: string }) {
  return (
    <g stroke={colour} fill={colour}>
      <line x1={whisker.low} x2={whisker.high} y1={y} y2={y} strokeWidth={2} />
      <line x1={whisker.low} x2={whisker.low} y1={y - 5} y2={y + 5} strokeWidth={2} />
      <line x1={whisker.high} x2={whisker.high} y1={y - 5} y2={y + 5} strokeWidth={2} />
      <circle cx={whisker.mean} cy={y} r={4.5} stroke="var(--mantine-color-body)" strokeWidth={1} />
    </g>
  );
}

function RowLabel({ y, children }: { y: number; children: string }) {
  return (
    <text x={0} y={y} dy="0.35em" fontSize={11} fill={TEXT}>
      {children}
    </text>
  );
}

function Axis({
  y,
  left,
  right,
  ticks,
}: {
  y: number;
  left: number;
  right: number;
  ticks: Array<{ x: number; label: string }>;
}) {
  return (
    <g>
      <line x1={left} x2={right} y1={y} y2={y} stroke={RULE} />
      {ticks.map((tick) => (
        <g key={tick.label}>
          <line x1={tick.x} x2={tick.x} y1={y} y2={y + 3} stroke={DIMMED} />
          <text x={tick.x} y={y + 12} fontSize={10} textAnchor="middle" fill={DIMMED}>
            {tick.label}
          </text>
        </g>
      ))}
    </g>
  );
}

/** The plot in words, for a screen reader and for the tooltip a mouse gets. */
export function describeComparison(c: ScorerComparison): string {
  return [
    `${c.scorer}: baseline ${interval(c.baseline)}`,
    `candidate ${interval(c.candidate)}`,
    `difference ${interval(c.difference, delta)}`,
    `${pValue(c.pValue)}, ${c.verdict}`,
  ].join("; ");
}

/**
 * One scorer's comparison drawn: the baseline's and the candidate's means with their 95 %
 * whiskers on a 0–1 axis, and below, the paired difference with its interval against a line at
 * zero (an interval wholly left of zero is a regression). Colours come from the theme, so it
 * reads in dark mode too; what it shows is also said in words to assistive technology.
 */
export function IntervalPlot({ comparison }: { comparison: ScorerComparison }) {
  const titleId = useId();
  const g = intervalPlotGeometry(comparison, { width: WIDTH, padding: 16 });
  // Red or green when the run called a change; blue otherwise (a grey would vanish in the dark).
  const called = comparison.verdict === "improved" || comparison.verdict === "regressed";
  const colour = `var(--mantine-color-${called ? verdictColour(comparison.verdict) : "blue"}-filled)`;
  const baselineColour = DIMMED;
  return (
    <svg
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      width="100%"
      style={{ maxWidth: WIDTH, display: "block" }}
      role="img"
      aria-labelledby={titleId}
    >
      <title id={titleId}>{describeComparison(comparison)}</title>
      <RowLabel y={Y.baseline}>baseline</RowLabel>
      <RowLabel y={Y.candidate}>candidate</RowLabel>
      {g.baseline ? (
        <WhiskerMark whisker={g.baseline} y={Y.baseline} colour={baselineColour} />
      ) : (
        <text x={g.left} y={Y.baseline} dy="0.35em" fontSize={10} fill={DIMMED}>
          no scores
        </text>
      )}
      {g.candidate ? (
        <WhiskerMark whisker={g.candidate} y={Y.candidate} colour={colour} />
      ) : (
        <text x={g.left} y={Y.candidate} dy="0.35em" fontSize={10} fill={DIMMED}>
          no scores
        </text>
      )}
      <Axis y={Y.scoreAxis} left={g.left} right={g.right} ticks={g.scoreTicks} />
      <RowLabel y={Y.difference}>difference</RowLabel>
      <line
        x1={g.zero}
        x2={g.zero}
        y1={Y.difference - 10}
        y2={Y.differenceAxis}
        stroke={DIMMED}
        strokeDasharray="3 3"
      />
      {g.difference ? (
        <WhiskerMark whisker={g.difference} y={Y.difference} colour={colour} />
      ) : (
        <text x={g.left} y={Y.difference} dy="0.35em" fontSize={10} fill={DIMMED}>
          {comparison.verdict === "not enough cases" ? "too few cases" : "no pairs"}
        </text>
      )}
      <Axis y={Y.differenceAxis} left={g.left} right={g.right} ticks={g.differenceTicks} />
    </svg>
  );
}
