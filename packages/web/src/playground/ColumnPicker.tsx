import { Button, Fieldset, Group, Select } from "@mantine/core";
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
    <Fieldset legend="Compare">
      <Group align="flex-end" gap="sm">
        {selectors.map((selector, index) => (
          <Select
            // biome-ignore lint/suspicious/noArrayIndexKey: columns are positions on the screen
            key={index}
            label={`Column ${index + 1}`}
            data={options.map((o) => ({ value: o, label: selectorText(o, served) }))}
            value={selector}
            onChange={(chosen) => chosen && onChoose(index, chosen)}
            allowDeselect={false}
            w={{ base: "100%", xs: 220 }}
          />
        ))}
        <Group gap="xs">
          <Button variant="default" onClick={onAdd}>
            Add column
          </Button>
          {selectors.length > 1 && (
            <Button variant="subtle" color="red" onClick={onRemove}>
              Remove column {selectors.length}
            </Button>
          )}
        </Group>
      </Group>
    </Fieldset>
  );
}
