import { useQuery } from "@tanstack/react-query";
import { api } from "../client.js";

/** How a selector reads on the screen: a label by its name, a version as v3. */
export const selectorText = (selector: string) =>
  selector.startsWith("@") ? selector.slice(1) : `v${selector.slice(1)}`;

/** Which version each column runs: the draft, a label or any published version. */
export function ColumnPicker({
  name,
  selectors,
  onChoose,
  onAdd,
  onRemove,
}: {
  name: string;
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
                {selectorText(o)}
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
