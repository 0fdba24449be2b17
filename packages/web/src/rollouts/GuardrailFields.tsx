import {
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
import {
  emptyGuardrail,
  type GuardrailDraft,
  METRIC_CHOICES,
  METRICS,
  type MetricChoice,
  toleranceUnit,
  withMetric,
} from "./guardrailForm.js";
import { ListEditor, RemoveButton } from "./ListEditor.js";
import type { FieldsProps } from "./PlanFields.js";

/** One guardrail: the metric (and a score's name), which way is worse, the tolerance. */
function GuardrailRow({
  guardrail,
  index,
  props,
}: {
  guardrail: GuardrailDraft;
  index: number;
  props: FieldsProps;
}) {
  const { draft, set, errors } = props;
  const n = index + 1;
  const change = (next: GuardrailDraft) =>
    set({ guardrails: draft.guardrails.map((g) => (g.key === guardrail.key ? next : g)) });
  const at = `guardrails.${index}`;
  return (
    <Group component="li" gap="xs" align="flex-start">
      <NativeSelect
        label="Metric"
        aria-label={`Metric of guardrail ${n}`}
        data={METRIC_CHOICES.map((m) => ({ value: m, label: METRICS[m].label }))}
        value={guardrail.metric}
        onChange={(e) => change(withMetric(guardrail, e.currentTarget.value as MetricChoice))}
        error={guardrail.metric === "score" ? undefined : errors[`${at}.metric`]}
        w={{ base: "100%", xs: 210 }}
      />
      {guardrail.metric === "score" && (
        <TextInput
          label="Scorer"
          aria-label={`Scorer of guardrail ${n}`}
          placeholder="tone"
          value={guardrail.score}
          onChange={(e) => change({ ...guardrail, score: e.currentTarget.value })}
          error={errors[`${at}.metric`]}
          w={{ base: "100%", xs: 140 }}
        />
      )}
      <NativeSelect
        label="Worse when"
        aria-label={`Guardrail ${n} is worse when the candidate's is`}
        data={[
          { value: "higher", label: "higher" },
          { value: "lower", label: "lower" },
        ]}
        value={guardrail.worseWhen}
        onChange={(e) =>
          change({ ...guardrail, worseWhen: e.currentTarget.value as GuardrailDraft["worseWhen"] })
        }
        error={errors[`${at}.worseWhen`]}
        w={{ base: "100%", xs: 120 }}
      />
      <TextInput
        label="Tolerated"
        aria-label={`Tolerance of guardrail ${n}`}
        description={toleranceUnit(guardrail)}
        inputMode="decimal"
        value={guardrail.tolerance}
        onChange={(e) => change({ ...guardrail, tolerance: e.currentTarget.value })}
        error={errors[`${at}.tolerance`]}
        w={{ base: "100%", xs: 180 }}
      />
      <NativeSelect
        label="As"
        aria-label={`Tolerance of guardrail ${n} as`}
        data={[
          { value: "absolute", label: METRICS[guardrail.metric].unit },
          { value: "relative", label: "% of control" },
        ]}
        value={guardrail.relative ? "relative" : "absolute"}
        onChange={(e) => change({ ...guardrail, relative: e.currentTarget.value === "relative" })}
        w={{ base: "100%", xs: 170 }}
      />
      <RemoveButton
        label={`Remove guardrail ${n}`}
        onClick={() => set({ guardrails: draft.guardrails.filter((g) => g !== guardrail) })}
      />
    </Group>
  );
}

/**
 * What is watched while the rollout runs, and what happens when the candidate is worse than a
 * guardrail tolerates: each candidate against the control, with a sequential test that may be
 * looked at continuously.
 */
export function GuardrailFields(props: FieldsProps) {
  const { draft, set, errors } = props;
  const titleId = useId();
  const breachLabel = useId();
  return (
    <Paper withBorder p="md" component="fieldset" m={0} miw={0} aria-labelledby={titleId}>
      <Stack gap="sm">
        <Title order={3} size="h4" id={titleId}>
          Guardrails
        </Title>
        <Text size="sm" c="dimmed">
          Each compares the candidate with the control; a guardrail is breached only when the whole
          always-valid interval of the difference is beyond what it tolerates.
        </Text>
        {draft.guardrails.length === 0 && (
          <Text size="sm">
            No guardrails: nothing is watched, and a canary advances on time alone.
          </Text>
        )}
        <ListEditor
          label="Guardrails"
          ordered={false}
          items={draft.guardrails.map((guardrail, index) => (
            <GuardrailRow key={guardrail.key} guardrail={guardrail} index={index} props={props} />
          ))}
          error={errors.guardrails}
          full={draft.guardrails.length >= 10}
          addLabel="Add a guardrail"
          onAdd={() =>
            set({ guardrails: [...draft.guardrails, emptyGuardrail("feedback", "0.1")] })
          }
        />
        <Group gap="lg" align="flex-start">
          <Stack gap={4}>
            <Input.Label labelElement="div" id={breachLabel}>
              On a breach
            </Input.Label>
            <SegmentedControl
              aria-labelledby={breachLabel}
              value={draft.onBreach}
              onChange={(value) => set({ onBreach: value as typeof draft.onBreach })}
              data={[
                { value: "rollback", label: "Roll back" },
                { value: "pause", label: "Pause" },
              ]}
            />
          </Stack>
          <TextInput
            label="Minimum sample"
            description="Observations each arm needs before a guardrail gives a verdict."
            inputMode="numeric"
            value={draft.minSamples}
            onChange={(e) => set({ minSamples: e.currentTarget.value })}
            error={errors.minSamples}
            w={{ base: "100%", xs: 300 }}
          />
        </Group>
      </Stack>
    </Paper>
  );
}
