import {
  Button,
  Group,
  Input,
  NativeSelect,
  Paper,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useId } from "react";
import { ListEditor, RemoveButton } from "./ListEditor.js";
import { percentText } from "./percent.js";
import {
  type CandidateDraft,
  controlShare,
  emptyCandidate,
  emptyStep,
  type RolloutDraft,
  type StepDraft,
} from "./startForm.js";

export interface FieldsProps {
  draft: RolloutDraft;
  set: (fields: Partial<RolloutDraft>) => void;
  /** Field key → what is wrong with it. */
  errors: Record<string, string>;
  /** The versions a candidate may be: every published one but the control. */
  options: Array<{ value: string; label: string }>;
  control: number;
}

/** One candidate of a split: its version and share, removable while there are others. */
function CandidateRow({
  candidate,
  index,
  props,
}: {
  candidate: CandidateDraft;
  index: number;
  props: FieldsProps;
}) {
  const { draft, set, errors, options } = props;
  const n = index + 1;
  const change = (fields: Partial<CandidateDraft>) =>
    set({
      candidates: draft.candidates.map((c) => (c.key === candidate.key ? { ...c, ...fields } : c)),
    });
  return (
    <Group gap="xs" align="flex-start">
      <NativeSelect
        label={`Candidate ${n}`}
        data={[{ value: "", label: "pick a version" }, ...options]}
        value={candidate.version}
        onChange={(e) => change({ version: e.currentTarget.value })}
        error={errors[`candidates.${index}.version`]}
        w={{ base: "100%", xs: 200 }}
      />
      <TextInput
        label={`Share of candidate ${n} (%)`}
        inputMode="decimal"
        value={candidate.percent}
        onChange={(e) => change({ percent: e.currentTarget.value })}
        error={errors[`candidates.${index}.weight`]}
        w={{ base: "100%", xs: 200 }}
      />
      {draft.candidates.length > 1 && (
        <RemoveButton
          label={`Remove candidate ${n}`}
          onClick={() => set({ candidates: draft.candidates.filter((c) => c !== candidate) })}
        />
      )}
    </Group>
  );
}

/** One canary step: the candidate's share and how long it is held. */
function StepRow({ step, index, props }: { step: StepDraft; index: number; props: FieldsProps }) {
  const { draft, set, errors } = props;
  const n = index + 1;
  const change = (fields: Partial<StepDraft>) =>
    set({ steps: draft.steps.map((s) => (s.key === step.key ? { ...s, ...fields } : s)) });
  return (
    <Group component="li" gap="xs" align="flex-start" wrap="nowrap">
      <TextInput
        label={`Step ${n} (%)`}
        aria-label={`Step ${n}: share (%)`}
        inputMode="decimal"
        value={step.percent}
        onChange={(e) => change({ percent: e.currentTarget.value })}
        error={errors[`canary.${index}.weight`]}
        style={{ flex: 1 }}
        maw={170}
      />
      <TextInput
        label="Hold (min)"
        aria-label={`Step ${n}: held (minutes)`}
        inputMode="numeric"
        value={step.hold}
        onChange={(e) => change({ hold: e.currentTarget.value })}
        error={errors[`canary.${index}.holdMinutes`]}
        style={{ flex: 1 }}
        maw={170}
      />
      {draft.steps.length > 1 && (
        <Button
          variant="subtle"
          color="red"
          px="xs"
          mt={25}
          aria-label={`Remove step ${n}`}
          onClick={() => set({ steps: draft.steps.filter((s) => s !== step) })}
        >
          Remove
        </Button>
      )}
    </Group>
  );
}

/**
 * What the rollout tries and how: a canary (one candidate, widening by steps) or a split (up to
 * four candidates with fixed shares, the control getting the rest).
 */
export function PlanFields(props: FieldsProps) {
  const { draft, set, errors, options, control } = props;
  const strategyLabel = useId();
  const rest = controlShare(draft);
  const first = draft.candidates[0];
  return (
    <Paper
      withBorder
      p="md"
      component="fieldset"
      m={0}
      miw={0}
      aria-labelledby={`${strategyLabel}-title`}
    >
      <Stack gap="sm">
        <Title order={3} size="h4" id={`${strategyLabel}-title`}>
          What is tried
        </Title>
        <Stack gap={4}>
          <Input.Label labelElement="div" id={strategyLabel}>
            Strategy
          </Input.Label>
          <SegmentedControl
            aria-labelledby={strategyLabel}
            value={draft.strategy}
            onChange={(value) => set({ strategy: value as RolloutDraft["strategy"] })}
            data={[
              { value: "canary", label: "Canary" },
              { value: "split", label: "Split (A/B)" },
            ]}
            w="fit-content"
            maw="100%"
          />
          <Text size="xs" c="dimmed">
            {draft.strategy === "canary"
              ? "One candidate gets a growing share, step by step, advancing by itself when the guardrails are healthy."
              : "Each candidate gets a fixed share for as long as the rollout runs, as an experiment."}
          </Text>
        </Stack>
        {draft.strategy === "canary" && first ? (
          <>
            <NativeSelect
              label="Candidate"
              description={`Tried against v${control}, which the environment serves now.`}
              data={[{ value: "", label: "pick a version" }, ...options]}
              value={first.version}
              onChange={(e) =>
                set({
                  candidates: [
                    { ...first, version: e.currentTarget.value },
                    ...draft.candidates.slice(1),
                  ],
                })
              }
              error={errors["candidates.0.version"] ?? errors.candidates}
              w={{ base: "100%", xs: 260 }}
            />
            <Text size="sm" fw={500}>
              Steps
            </Text>
            <ListEditor
              label="Canary steps"
              ordered
              items={draft.steps.map((step, index) => (
                <StepRow key={step.key} step={step} index={index} props={props} />
              ))}
              error={errors.canary}
              full={draft.steps.length >= 20}
              addLabel="Add a step"
              onAdd={() => set({ steps: [...draft.steps, emptyStep()] })}
            />
          </>
        ) : (
          <>
            {errors.candidates && rest >= 0 && (
              <Text size="sm" c="red">
                {errors.candidates}
              </Text>
            )}
            {draft.candidates.map((candidate, index) => (
              <CandidateRow key={candidate.key} candidate={candidate} index={index} props={props} />
            ))}
            <Group gap="sm">
              <Button
                variant="default"
                size="xs"
                disabled={draft.candidates.length >= 4}
                onClick={() => set({ candidates: [...draft.candidates, emptyCandidate()] })}
              >
                Add a candidate
              </Button>
              <Text size="sm" c={rest < 0 ? "red" : "dimmed"} aria-live="polite">
                {rest < 0
                  ? "The candidates' shares add up to more than 100 %: the control gets the rest."
                  : `v${control} (the control) gets the rest: ${percentText(rest)}.`}
              </Text>
            </Group>
          </>
        )}
      </Stack>
    </Paper>
  );
}
