/** The presets of the time filter, as hours before now. */
const PRESETS = [
  ["1h", "Last hour", 1],
  ["24h", "Last 24 hours", 24],
  ["7d", "Last 7 days", 24 * 7],
] as const;

export type TimeRangeChange = { range: string; from: string; to: string };

/** An ISO time as a datetime-local field shows it (local time, to the minute); "" for none. */
function localInput(iso: string | null): string {
  if (!iso || Number.isNaN(Date.parse(iso))) return "";
  const at = new Date(iso);
  return new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/** What a datetime-local field holds (local time) as an ISO time; "" for none. */
function isoOf(local: string): string {
  return local ? new Date(local).toISOString() : "";
}

/**
 * The time filter: any time, a preset (from now back), or a range picked on calendars. A preset
 * is turned into its start time when chosen, so the list does not shift while it is read.
 */
export function TimeRange(props: {
  range: string;
  from: string | null;
  to: string | null;
  onChange: (change: TimeRangeChange) => void;
}) {
  const { range, from, to, onChange } = props;
  const pick = (chosen: string) => {
    const preset = PRESETS.find(([key]) => key === chosen);
    if (preset) {
      const start = new Date(Date.now() - preset[2] * 3_600_000).toISOString();
      onChange({ range: chosen, from: start, to: "" });
    } else if (chosen === "custom") onChange({ range: "custom", from: from ?? "", to: to ?? "" });
    else onChange({ range: "", from: "", to: "" });
  };
  return (
    <>
      <label>
        Time
        <select value={range} onChange={(e) => pick(e.target.value)}>
          <option value="">any time</option>
          {PRESETS.map(([key, label]) => (
            <option key={key} value={key}>
              {label}
            </option>
          ))}
          <option value="custom">between…</option>
        </select>
      </label>
      {range === "custom" && (
        <>
          <label>
            From
            <input
              type="datetime-local"
              value={localInput(from)}
              onChange={(e) => onChange({ range, from: isoOf(e.target.value), to: to ?? "" })}
            />
          </label>
          <label>
            To
            <input
              type="datetime-local"
              value={localInput(to)}
              onChange={(e) => onChange({ range, from: from ?? "", to: isoOf(e.target.value) })}
            />
          </label>
        </>
      )}
    </>
  );
}
