import { type Served, selectorText } from "./ColumnPicker.js";
import type { RunState } from "./stream.js";
import type { Column } from "./usePlaygroundRun.js";

/** A finished run's latency, tokens and cost (the cost once its trace is written). */
function figures(run: RunState, cost: number | null | undefined): string {
  const priced =
    cost === undefined
      ? "cost…"
      : cost === null
        ? "no price for this model"
        : `$${cost.toFixed(6)}`;
  return `${Math.round(run.latencyMs ?? 0)} ms (first token ${Math.round(run.firstTokenMs ?? 0)} ms) · ${run.usage?.prompt_tokens ?? "?"} in / ${run.usage?.completion_tokens ?? "?"} out tokens · ${priced}`;
}

/** Each column's output as it streams, then its latency, tokens and cost. */
export function RunResults({
  columns,
  served,
}: {
  columns: Column[];
  served?: Served | undefined;
}) {
  return (
    <div className="columns">
      {columns.map(({ selector, run, cost }, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: columns are positions on the screen
        <section key={index} aria-label={`Result ${index + 1}`} className="result">
          <h2>{selectorText(selector, served)}</h2>
          {!run && <p className="empty">Not run yet.</p>}
          {run?.error && (
            <p role="alert" className="error">
              {run.error}
            </p>
          )}
          {run && (
            <output aria-label={`Output ${index + 1}`} className="stream">
              {run.output}
            </output>
          )}
          {run?.status === "done" && <p className="hint">{figures(run, cost)}</p>}
        </section>
      ))}
    </div>
  );
}
