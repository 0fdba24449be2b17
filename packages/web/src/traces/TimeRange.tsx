import { Select } from "@mantine/core";
import { DateTimePicker } from "@mantine/dates";
import dayjs from "dayjs";

/** The presets of the time filter, as hours before now. */
const PRESETS = [
  ["1h", "Last hour", 1],
  ["24h", "Last 24 hours", 24],
  ["7d", "Last 7 days", 24 * 7],
] as const;

/** What the time Select offers; "any" stands for no time filter (a Select option needs a value). */
const OPTIONS = [
  { value: "any", label: "Any time" },
  ...PRESETS.map(([value, label]) => ({ value, label })),
  { value: "custom", label: "Between…" },
];

export type TimeRangeChange = { range: string; from: string; to: string };

/** The picker's value format: local time, as "YYYY-MM-DD HH:mm:ss". */
const PICKER_FORMAT = "YYYY-MM-DD HH:mm:ss";

/** An ISO instant as the picker holds it (local time); null for none. */
export function pickerValue(iso: string | null): string | null {
  if (!iso || Number.isNaN(Date.parse(iso))) return null;
  return dayjs(iso).format(PICKER_FORMAT);
}

/** What the picker holds (local time) as an ISO instant; "" for none. */
export function isoOf(local: string | null): string {
  if (!local) return "";
  const at = dayjs(local);
  return at.isValid() ? at.toISOString() : "";
}

/** The calendar's controls, named for a screen reader. */
const CALENDAR_LABELS = {
  previousMonth: "Previous month",
  nextMonth: "Next month",
  previousYear: "Previous year",
  nextYear: "Next year",
  previousDecade: "Previous decade",
  nextDecade: "Next decade",
  monthLevelControl: "Choose a month",
  yearLevelControl: "Choose a year",
};

/** One end of the "between…" range: a date on a calendar and a time. */
function Instant({
  label,
  value,
  onChange,
  defaultTime,
  error,
}: {
  label: string;
  value: string | null;
  onChange: (iso: string) => void;
  /** The time a picked day starts with: the day's start for From, its end for To. */
  defaultTime: string;
  error?: string | undefined;
}) {
  return (
    <DateTimePicker
      label={label}
      defaultTimeValue={defaultTime}
      highlightToday
      error={error}
      placeholder="pick a date and time"
      value={pickerValue(value)}
      onChange={(local) => onChange(isoOf(local))}
      valueFormat="D MMM YYYY HH:mm"
      clearable
      ariaLabels={CALENDAR_LABELS}
      timePickerProps={{ hoursInputLabel: "Hours", minutesInputLabel: "Minutes" }}
      submitButtonProps={{ "aria-label": "Done" }}
    />
  );
}

/**
 * The time filter: any time, a preset (from now back), or a range picked on calendars. A preset
 * is turned into its start time when chosen, so the list does not shift while it is read.
 * Rendered as sibling fields, so each takes a cell of the filters' grid.
 */
export function TimeRange(props: {
  range: string;
  from: string | null;
  to: string | null;
  onChange: (change: TimeRangeChange) => void;
}) {
  const { range, from, to, onChange } = props;
  const pick = (chosen: string | null) => {
    const preset = PRESETS.find(([key]) => key === chosen);
    if (preset) {
      const start = new Date(Date.now() - preset[2] * 3_600_000).toISOString();
      onChange({ range: preset[0], from: start, to: "" });
    } else if (chosen === "custom") onChange({ range: "custom", from: from ?? "", to: to ?? "" });
    else onChange({ range: "", from: "", to: "" });
  };
  return (
    <>
      <Select
        label="Time"
        data={OPTIONS}
        value={range || "any"}
        onChange={pick}
        allowDeselect={false}
      />
      {range === "custom" && (
        <>
          <Instant
            label="From"
            defaultTime="00:00"
            value={from}
            onChange={(iso) => onChange({ range, from: iso, to: to ?? "" })}
          />
          <Instant
            label="To"
            defaultTime="23:59"
            error={
              from && to && Date.parse(to) < Date.parse(from)
                ? "To is before From: no trace can match."
                : undefined
            }
            value={to}
            onChange={(iso) => onChange({ range, from: from ?? "", to: iso })}
          />
        </>
      )}
    </>
  );
}
