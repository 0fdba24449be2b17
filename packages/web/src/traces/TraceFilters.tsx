import { Button, Group, Paper, Select, SimpleGrid, TextInput } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useState } from "react";
import { useMatchingPrompts } from "../playground/matchingPrompts.js";
import { useEnvironments } from "../prompt/queries.js";
import { TimeRange } from "./TimeRange.js";

/** The filters a phone shows only when asked for (or when one is in use). */
const SECONDARY = ["version", "variant", "model", "userId", "origin", "scoreName"];

/** The filters typed as text, by query parameter, with their labels. */
const TEXT_FILTERS = [
  ["version", "Version", "e.g. 3"],
  ["variant", "Variant", "any"],
  ["model", "Model", "e.g. gpt-4o-mini"],
  ["userId", "User", "user id"],
] as const;

/** A Select's option for "no filter": an option needs a value, and the URL holds none. */
const ANY = "any";

/** The choices of a filter, with "any" first. */
const withAny = (options: Array<[string, string]>) => [
  { value: ANY, label: "any" },
  ...options.map(([value, label]) => ({ value, label })),
];

/** The feedback filter as the URL holds it (a score range on "feedback") and as it is shown. */
function feedbackOf(params: URLSearchParams): string {
  if (params.get("scoreName") !== "feedback") return ANY;
  if (params.get("maxScore") === "0") return "down";
  if (params.get("minScore") === "1") return "up";
  return ANY;
}

/** The options of a Select that always include the current value, even one it does not offer. */
function including(options: string[], current: string | null): string[] {
  return current && !options.includes(current) ? [current, ...options] : options;
}

/** The prompt filter: a prompt picked from those whose name holds what is typed. */
function PromptFilter({
  value,
  onChange,
}: {
  value: string | null;
  onChange: (value: string) => void;
}) {
  const [search, setSearch] = useState(value ?? "");
  // Once a prompt is picked, its name is the search text: the list then offers every prompt.
  const names = useMatchingPrompts(search === value ? "" : search, 50);
  return (
    <Select
      label="Prompt"
      placeholder="any"
      data={including(names, value)}
      value={value}
      onChange={(picked) => onChange(picked ?? "")}
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      clearable
      nothingFoundMessage="No prompt has this name"
    />
  );
}

/**
 * What the traces list is narrowed to, all in the page's URL: one field per filter, labels
 * above their controls, as many to a row as the width allows (one on a phone).
 */
export function TraceFilters({
  params,
  onChange,
}: {
  params: URLSearchParams;
  /** Sets (or, for "", removes) each of the given query parameters. */
  onChange: (changes: Record<string, string>) => void;
}) {
  // Text fields are the browser's own (a trimmed value would eat a space as it is typed);
  // "Clear filters" renews them.
  const [generation, setGeneration] = useState(0);
  const environments = useEnvironments();
  const labels = including(
    [...(environments.data?.items.map((e) => e.name) ?? []), "latest", "draft"],
    params.get("label"),
  );
  const set = (key: string) => (value: string | null) =>
    onChange({ [key]: value === ANY || value === null ? "" : value });
  const active = [...params.keys()].some((key) => key !== "range");
  // On a phone, the filters used most come first, the others behind "More filters".
  const [more, moreHandlers] = useDisclosure(SECONDARY.some((key) => params.has(key)));
  const secondary = more ? {} : { visibleFrom: "sm" };

  return (
    <Paper
      withBorder
      p="md"
      mb="md"
      component="form"
      aria-label="Filter traces"
      onSubmit={(e) => e.preventDefault()}
    >
      <SimpleGrid key={generation} cols={{ base: 1, xs: 2, md: 3, lg: 4 }} spacing="sm">
        <TextInput
          label="Text"
          type="search"
          placeholder="in the input, output or error"
          defaultValue={params.get("q") ?? ""}
          onChange={(e) => onChange({ q: e.currentTarget.value.trim() })}
        />
        <PromptFilter value={params.get("prompt")} onChange={set("prompt")} />
        <Select
          label="Environment"
          placeholder="any"
          data={labels}
          value={params.get("label")}
          onChange={set("label")}
          clearable
        />
        <Select
          label="Status"
          data={withAny([
            ["ok", "ok"],
            ["error", "error"],
          ])}
          value={params.get("status") ?? ANY}
          onChange={set("status")}
          allowDeselect={false}
        />
        <TimeRange
          range={params.get("range") || (params.get("from") || params.get("to") ? "custom" : "")}
          from={params.get("from")}
          to={params.get("to")}
          onChange={onChange}
        />
        {TEXT_FILTERS.map(([key, label, placeholder]) => (
          <TextInput
            {...secondary}
            key={key}
            label={label}
            placeholder={placeholder}
            defaultValue={params.get(key) ?? ""}
            onChange={(e) => onChange({ [key]: e.currentTarget.value.trim() })}
          />
        ))}
        <Select
          {...secondary}
          label="Origin"
          data={withAny([
            ["production", "applications"],
            ["playground", "playground"],
          ])}
          value={params.get("origin") ?? ANY}
          onChange={set("origin")}
          allowDeselect={false}
        />
        <Select
          {...secondary}
          label="Feedback"
          data={withAny([
            ["up", "thumbs up"],
            ["down", "thumbs down"],
          ])}
          value={feedbackOf(params)}
          onChange={(chosen) =>
            onChange({
              scoreName: chosen === "up" || chosen === "down" ? "feedback" : "",
              minScore: chosen === "up" ? "1" : "",
              maxScore: chosen === "down" ? "0" : "",
            })
          }
          allowDeselect={false}
        />
      </SimpleGrid>
      <Group justify="flex-end" mt="sm" gap="xs">
        <Button
          hiddenFrom="sm"
          variant="subtle"
          size="compact-sm"
          onClick={moreHandlers.toggle}
          aria-expanded={more}
        >
          {more ? "Fewer filters" : "More filters"}
        </Button>
        {active && (
          <Button
            variant="subtle"
            size="compact-sm"
            onClick={() => {
              onChange(Object.fromEntries([...params.keys()].map((key) => [key, ""])));
              setGeneration((g) => g + 1);
            }}
          >
            Clear filters
          </Button>
        )}
      </Group>
    </Paper>
  );
}
