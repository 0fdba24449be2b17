import { useQuery } from "@tanstack/react-query";
import { api } from "../client.js";

/** What the prompt's labels point to now, for saying what a column will run. */
export interface Served {
  labels: Record<string, number>;
  latestVersion: number | null;
}

/**
 * How a selector reads on the screen: a version as v3, a label with what it resolves to
 * ("production → v3", "staging (not deployed)"), the draft as itself.
 */
export function selectorText(selector: string, served?: Served): string {
  if (selector.startsWith("#")) return `v${selector.slice(1)}`;
  const label = selector.slice(1);
  if (label === "draft" || !served) return label;
  const version = label === "latest" ? served.latestVersion : served.labels[label];
  return version === null || version === undefined
    ? `${label} (not deployed)`
    : `${label} → v${version}`;
}

/** Which version each column runs: the draft, a label or any published version. */
export function ColumnPicker({
  name,
  selectors,
  onChoose,
  onAdd,
  onRemove,
  served,
}: {
  name: string;
  served: Served | undefined;
  selectors: string[];
  onChoose(index: number, selector: string): void;
  onAdd(): void;
  onRemove(): void;
}) {
  const versions = useQuery({
    queryKey: ["prompt", name, "versions"],
    queryFn: () => api.versions.list(name),
    enabled: name.trim() !== "",
    retry: false,
  });
  const options = [
    "@draft",
    "@production",
    "@staging",
    "@latest",
    ...(versions.data?.items ?? []).map((v) => `#${v.version}`),
  ];

  return (
    <fieldset className="filters">
      <legend>Compare</legend>
      {selectors.map((selector, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: columns are positions on the screen
        <label key={index}>
          Column {index + 1}
          <select value={selector} onChange={(e) => onChoose(index, e.target.value)}>
            {options.map((o) => (
              <option key={o} value={o}>
                {selectorText(o, served)}
              </option>
            ))}
          </select>
        </label>
      ))}
      <button type="button" onClick={onAdd}>
        Add column
      </button>
      {selectors.length > 1 && (
        <button type="button" onClick={onRemove}>
          Remove column
        </button>
      )}
    </fieldset>
  );
}
