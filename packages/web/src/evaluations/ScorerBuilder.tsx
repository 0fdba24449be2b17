import {
  Autocomplete,
  Button,
  Checkbox,
  Group,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { useMatchingPrompts } from "../playground/matchingPrompts.js";
import { JudgeTemplates } from "./JudgeTemplates.js";
import {
  emptyScorer,
  SCORER_HELP,
  SCORER_TYPES,
  type ScorerDraft,
  type ScorerErrors,
  type ScorerType,
} from "./scorerForm.js";

interface FieldsProps {
  draft: ScorerDraft;
  errors: ScorerErrors;
  set: (fields: Partial<ScorerDraft>) => void;
  /** Names the inputs of scorer N apart from those of the others, for labels and ids. */
  n: number;
}

/** The judge: which prompt of the registry (with the ready rubrics offered), which version. */
function JudgeFields({ draft, errors, set, n }: FieldsProps) {
  const matching = useMatchingPrompts(draft.prompt);
  return (
    <>
      <Autocomplete
        label="Judge prompt"
        placeholder="judges/factuality"
        description="A prompt of the registry over {{input}}, {{output}} and {{expected}}."
        value={draft.prompt}
        onChange={(prompt) => set({ prompt })}
        data={matching}
        filter={({ options }) => options}
        error={errors.prompt}
        id={`scorer-${n}-prompt`}
        autoComplete="off"
      />
      <TextInput
        label="Judge version or label"
        placeholder="latest"
        value={draft.judgeVersion || draft.judgeLabel}
        onChange={(e) => {
          const text = e.currentTarget.value;
          set(
            /^\d+$/.test(text.trim())
              ? { judgeVersion: text, judgeLabel: "" }
              : { judgeLabel: text, judgeVersion: "" },
          );
        }}
        error={errors.judgeVersion ?? errors.judgeLabel}
      />
      <JudgeTemplates onPick={(prompt) => set({ prompt, judgeLabel: "", judgeVersion: "" })} />
    </>
  );
}

/** The fields of a scorer's type; nothing for those that need none. */
function TypeFields(props: FieldsProps) {
  const { draft, errors, set } = props;
  const ignoreCase = (
    <Checkbox
      label="Ignore case"
      checked={draft.ignoreCase}
      onChange={(e) => set({ ignoreCase: e.currentTarget.checked })}
      mt={{ base: 0, sm: 30 }}
    />
  );
  switch (draft.type) {
    case "equals":
    case "similarity":
      return (
        <>
          <TextInput
            label="Compare with"
            placeholder="the case's expected value"
            value={draft.value}
            onChange={(e) => set({ value: e.currentTarget.value })}
            error={errors.value}
          />
          {draft.type === "equals" && ignoreCase}
        </>
      );
    case "contains":
    case "not-contains":
      return (
        <>
          <Textarea
            label="Texts, one per line"
            autosize
            minRows={2}
            value={draft.values}
            onChange={(e) => set({ values: e.currentTarget.value })}
            error={errors.values}
          />
          <Stack gap={6}>
            <Text size="sm" fw={500} id={`scorer-${props.n}-mode`}>
              {draft.type === "contains" ? "Must contain" : "Must not contain"}
            </Text>
            <SegmentedControl
              aria-labelledby={`scorer-${props.n}-mode`}
              size="xs"
              data={[
                { value: "any", label: draft.type === "contains" ? "any of them" : "any of them" },
                { value: "all", label: draft.type === "contains" ? "all of them" : "all together" },
              ]}
              value={draft.mode}
              onChange={(mode) => set({ mode: mode as "any" | "all" })}
            />
            {ignoreCase}
          </Stack>
        </>
      );
    case "regex":
      return (
        <>
          <TextInput
            label="Pattern"
            placeholder="^\\d+$"
            value={draft.pattern}
            onChange={(e) => set({ pattern: e.currentTarget.value })}
            error={errors.pattern}
            ff="monospace"
          />
          <TextInput
            label="Flags"
            placeholder="i, m, s, u"
            value={draft.flags}
            onChange={(e) => set({ flags: e.currentTarget.value })}
            error={errors.flags}
          />
        </>
      );
    case "json-schema":
      return (
        <Textarea
          label="JSON Schema"
          description="Leave empty to use the version's own constraints.jsonSchema."
          autosize
          minRows={3}
          ff="monospace"
          value={draft.schema}
          onChange={(e) => set({ schema: e.currentTarget.value })}
          error={errors.schema}
        />
      );
    case "length":
      return (
        <>
          <TextInput
            label="At least (characters)"
            inputMode="numeric"
            value={draft.min}
            onChange={(e) => set({ min: e.currentTarget.value })}
            error={errors.min}
          />
          <TextInput
            label="At most (characters)"
            inputMode="numeric"
            value={draft.max}
            onChange={(e) => set({ max: e.currentTarget.value })}
            error={errors.max}
          />
        </>
      );
    case "latency":
      return (
        <TextInput
          label="At most (milliseconds)"
          inputMode="numeric"
          value={draft.maxMs}
          onChange={(e) => set({ maxMs: e.currentTarget.value })}
          error={errors.maxMs}
        />
      );
    case "cost":
      return (
        <TextInput
          label="At most (US dollars per call)"
          inputMode="decimal"
          value={draft.maxUsd}
          onChange={(e) => set({ maxUsd: e.currentTarget.value })}
          error={errors.maxUsd}
        />
      );
    case "judge":
      return <JudgeFields {...props} />;
    default:
      return null;
  }
}

/**
 * The scorers of a run, built in a form: for each, a type (with what it checks), a name its
 * results go under, and that type's fields, each with its error beside it. Fields of another
 * type are kept when the type is switched back and forth.
 */
export function ScorerBuilder({
  scorers,
  errors,
  listError,
  onChange,
}: {
  scorers: ScorerDraft[];
  errors: ScorerErrors[];
  listError: string | undefined;
  onChange: (scorers: ScorerDraft[]) => void;
}) {
  const update = (index: number, fields: Partial<ScorerDraft>) =>
    onChange(scorers.map((s, i) => (i === index ? { ...s, ...fields } : s)));
  return (
    <Stack gap="sm" role="group" aria-labelledby="scorers-title">
      <Title order={2} size="h4" id="scorers-title">
        Scorers
      </Title>
      <Text size="sm" c="dimmed">
        Each scores every output from 0 to 1. Gates and reports name a scorer by its name (its type
        unless you give one).
      </Text>
      {scorers.map((draft, index) => {
        const n = index + 1;
        const fieldErrors = errors[index] ?? {};
        return (
          <Paper
            key={draft.key}
            withBorder
            p="sm"
            component="fieldset"
            aria-label={`Scorer ${n}`}
            m={0}
          >
            <Stack gap="xs">
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
                <Select
                  label={`Scorer ${n} type`}
                  data={SCORER_TYPES.map((t) => ({ value: t, label: t }))}
                  value={draft.type}
                  onChange={(type) => type && update(index, { type: type as ScorerType })}
                  allowDeselect={false}
                  description={SCORER_HELP[draft.type]}
                />
                <TextInput
                  label={`Scorer ${n} name`}
                  placeholder={draft.type}
                  value={draft.name}
                  onChange={(e) => update(index, { name: e.currentTarget.value })}
                  error={fieldErrors.name}
                  id={`scorer-${n}-name`}
                />
                <TypeFields
                  draft={draft}
                  errors={fieldErrors}
                  set={(fields) => update(index, fields)}
                  n={n}
                />
              </SimpleGrid>
              <Group justify="flex-end">
                <Button
                  variant="subtle"
                  color="red"
                  size="compact-sm"
                  onClick={() => onChange(scorers.filter((_, i) => i !== index))}
                  aria-label={`Remove scorer ${n}`}
                >
                  Remove
                </Button>
              </Group>
            </Stack>
          </Paper>
        );
      })}
      {listError && (
        <Text c="red" size="sm" role="alert">
          {listError}
        </Text>
      )}
      <Button
        variant="default"
        w="fit-content"
        onClick={() =>
          onChange([...scorers, emptyScorer(scorers.length === 0 ? "equals" : "contains")])
        }
        disabled={scorers.length >= 20}
      >
        Add a scorer
      </Button>
    </Stack>
  );
}
