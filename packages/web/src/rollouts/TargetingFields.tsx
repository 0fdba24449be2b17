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
import type { FieldsProps } from "./PlanFields.js";
import { basisPointsOf, percentText } from "./percent.js";
import { candidateVersions } from "./startForm.js";
import {
  type ConditionDraft,
  emptyCondition,
  emptyRule,
  moveRule,
  OPERATORS,
  type Operator,
  type RuleDraft,
  valueKey,
  valueLabel,
} from "./targetingForm.js";

interface RuleProps {
  rule: RuleDraft;
  index: number;
  props: FieldsProps;
}

/** One condition: attribute, operator, and what it compares with. */
function ConditionRow({
  condition,
  at,
  n,
  rule,
  change,
  errors,
}: {
  condition: ConditionDraft;
  /** The condition's error key prefix, `rules.0.conditions.1`. */
  at: string;
  /** "rule 1, condition 2", for labels. */
  n: string;
  rule: RuleDraft;
  change: (fields: Partial<RuleDraft>) => void;
  errors: Record<string, string>;
}) {
  const set = (fields: Partial<ConditionDraft>) =>
    change({
      conditions: rule.conditions.map((c) => (c.key === condition.key ? { ...c, ...fields } : c)),
    });
  return (
    <Group component="li" gap="xs" align="flex-start">
      <TextInput
        label="Attribute"
        aria-label={`Attribute of ${n}`}
        placeholder="plan"
        value={condition.attribute}
        onChange={(e) => set({ attribute: e.currentTarget.value })}
        error={errors[`${at}.attribute`]}
        w={{ base: "100%", xs: 150 }}
      />
      <NativeSelect
        label="Operator"
        aria-label={`Operator of ${n}`}
        data={OPERATORS.map((o) => ({ value: o.op, label: o.label }))}
        value={condition.op}
        onChange={(e) => set({ op: e.currentTarget.value as Operator })}
        error={errors[`${at}.op`]}
        w={{ base: "100%", xs: 190 }}
      />
      <TextInput
        label={valueLabel(condition.op)}
        aria-label={`${valueLabel(condition.op)} of ${n}`}
        value={condition.value}
        onChange={(e) => set({ value: e.currentTarget.value })}
        error={errors[`${at}.${valueKey(condition.op)}`]}
        w={{ base: "100%", xs: 200 }}
      />
      {rule.conditions.length > 1 && (
        <RemoveButton
          label={`Remove ${n}`}
          onClick={() => change({ conditions: rule.conditions.filter((c) => c !== condition) })}
        />
      )}
    </Group>
  );
}

/** What a caller the rule catches gets: one of the rollout's versions, or a split of them. */
function RuleServes({ rule, index, props }: RuleProps) {
  const { draft, set, errors, control } = props;
  const servesLabel = useId();
  const candidates = candidateVersions(draft);
  const versions = [...candidates, control];
  const change = (fields: Partial<RuleDraft>) =>
    set({ rules: draft.rules.map((r) => (r.key === rule.key ? { ...r, ...fields } : r)) });
  const given = candidates.reduce((sum, v) => {
    const weight = basisPointsOf(rule.weights[String(v)] ?? "0");
    return sum + (typeof weight === "number" ? weight : 0);
  }, 0);
  return (
    <Stack gap="xs">
      <Input.Label labelElement="div" id={servesLabel}>
        Callers it catches get
      </Input.Label>
      <SegmentedControl
        aria-labelledby={servesLabel}
        size="xs"
        w="fit-content"
        value={rule.serves}
        onChange={(serves) => change({ serves: serves as RuleDraft["serves"] })}
        data={[
          { value: "version", label: "one version" },
          { value: "split", label: "a split" },
        ]}
      />
      {rule.serves === "version" ? (
        <NativeSelect
          aria-label={`Version rule ${index + 1} serves`}
          data={[
            { value: "", label: "pick a version" },
            ...versions.map((v) => ({
              value: String(v),
              label: v === control ? `v${v} (the control)` : `v${v}`,
            })),
          ]}
          value={versions.includes(Number(rule.version)) ? rule.version : ""}
          onChange={(e) => change({ version: e.currentTarget.value })}
          error={errors[`rules.${index}.variants`]}
          w={{ base: "100%", xs: 200 }}
        />
      ) : (
        <Group gap="xs" align="flex-start">
          {candidates.map((v) => (
            <TextInput
              key={v}
              label={`v${v} (%)`}
              aria-label={`Share of v${v} in rule ${index + 1} (%)`}
              inputMode="decimal"
              value={rule.weights[String(v)] ?? ""}
              onChange={(e) =>
                change({ weights: { ...rule.weights, [String(v)]: e.currentTarget.value } })
              }
              error={errors[`rules.${index}.weights.${v}`]}
              w={{ base: "100%", xs: 140 }}
            />
          ))}
          <Text size="sm" c={given > 10_000 ? "red" : "dimmed"} mt={{ base: 0, xs: 30 }}>
            {errors[`rules.${index}.variants`] ??
              `v${control} (the control) gets the rest: ${percentText(Math.max(0, 10_000 - given))}.`}
          </Text>
        </Group>
      )}
    </Stack>
  );
}

/** One rule: its conditions, what it serves, and buttons to move it or take it away. */
function RuleCard({ rule, index, props }: RuleProps) {
  const { draft, set, errors } = props;
  const n = index + 1;
  const change = (fields: Partial<RuleDraft>) =>
    set({ rules: draft.rules.map((r) => (r.key === rule.key ? { ...r, ...fields } : r)) });
  return (
    <Paper component="li" withBorder p="sm" aria-label={`Rule ${n}`}>
      <Stack gap="xs">
        <Group justify="space-between" gap="xs">
          <Text fw={600}>Rule {n}</Text>
          <Group gap={4}>
            <Button
              variant="subtle"
              size="xs"
              disabled={index === 0}
              aria-label={`Move rule ${n} up`}
              onClick={() => set({ rules: moveRule(draft.rules, index, -1) })}
            >
              ↑ Up
            </Button>
            <Button
              variant="subtle"
              size="xs"
              disabled={index === draft.rules.length - 1}
              aria-label={`Move rule ${n} down`}
              onClick={() => set({ rules: moveRule(draft.rules, index, 1) })}
            >
              ↓ Down
            </Button>
            <Button
              variant="subtle"
              color="red"
              size="xs"
              aria-label={`Remove rule ${n}`}
              onClick={() => set({ rules: draft.rules.filter((r) => r !== rule) })}
            >
              Remove
            </Button>
          </Group>
        </Group>
        <TextInput
          label="Description (optional)"
          aria-label={`Description of rule ${n}`}
          placeholder="Paying customers in the EU first"
          value={rule.description}
          onChange={(e) => change({ description: e.currentTarget.value })}
          error={errors[`rules.${index}.description`]}
        />
        <Text size="sm" fw={500}>
          When every condition holds
        </Text>
        <Stack component="ul" gap="xs" p={0} m={0} style={{ listStyle: "none" }}>
          {rule.conditions.map((condition, j) => (
            <ConditionRow
              key={condition.key}
              condition={condition}
              at={`rules.${index}.conditions.${j}`}
              n={`rule ${n}, condition ${j + 1}`}
              rule={rule}
              change={change}
              errors={errors}
            />
          ))}
        </Stack>
        {errors[`rules.${index}.conditions`] && (
          <Text size="sm" c="red">
            {errors[`rules.${index}.conditions`]}
          </Text>
        )}
        <Button
          variant="default"
          size="xs"
          w="fit-content"
          disabled={rule.conditions.length >= 20}
          onClick={() => change({ conditions: [...rule.conditions, emptyCondition()] })}
        >
          Add a condition to rule {n}
        </Button>
        <RuleServes rule={rule} index={index} props={props} />
        {errors[`rules.${index}`] && (
          <Text size="sm" c="red">
            {errors[`rules.${index}`]}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}

/**
 * Targeting rules, tried in order before the split: the first whose conditions all hold decides
 * what the caller gets. Everyone else gets the split (or the canary's current step).
 */
export function TargetingFields(props: FieldsProps) {
  const { draft, set, errors } = props;
  const titleId = useId();
  const unitId = useId();
  const firstCandidate = String(candidateVersions(draft)[0] ?? props.control);
  return (
    <Paper withBorder p="md" component="fieldset" m={0} miw={0} aria-labelledby={titleId}>
      <Stack gap="sm">
        <Title order={3} size="h4" id={titleId}>
          Who gets what
        </Title>
        <TextInput
          id={unitId}
          label="Unit"
          description="The context attribute a caller is known by: the same value always gets the same version."
          value={draft.unit}
          onChange={(e) => set({ unit: e.currentTarget.value })}
          error={errors.unit}
          w={{ base: "100%", xs: 320 }}
        />
        <Text size="sm" c="dimmed">
          Targeting rules are tried in order before the split; the first whose conditions all hold
          decides. Without rules, everyone is split.
        </Text>
        <ListEditor
          label="Targeting rules"
          ordered
          gap="sm"
          items={draft.rules.map((rule, index) => (
            <RuleCard key={rule.key} rule={rule} index={index} props={props} />
          ))}
          error={errors.rules}
          full={draft.rules.length >= 20}
          addLabel="Add a targeting rule"
          onAdd={() => set({ rules: [...draft.rules, emptyRule(firstCandidate)] })}
        />
      </Stack>
    </Paper>
  );
}
