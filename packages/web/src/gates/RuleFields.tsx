import {
  Autocomplete,
  Button,
  Checkbox,
  Group,
  Paper,
  Stack,
  Switch,
  Text,
  TextInput,
} from "@mantine/core";
import { emptyRequirement, type Level, type RuleDraft, type RuleErrors } from "./policyForm.js";

const LEVEL_WORDS: Record<Level, string> = {
  patch: "Patch changes (wording, small fixes)",
  minor: "Minor changes (new behaviour that keeps the contract)",
  major: "Major changes (a changed contract: variables, output shape)",
};

/**
 * One bump level's rule in the gate-policy form: on or off; the (dataset, scorer) pairs that must
 * have run, each with an optional minimum mean; no significant regression; latency and cost
 * limits. Each field's problem beside it.
 */
export function RuleFields({
  level,
  rule,
  errors,
  datasets,
  onChange,
}: {
  level: Level;
  rule: RuleDraft;
  errors: RuleErrors;
  datasets: string[];
  onChange: (rule: RuleDraft) => void;
}) {
  const set = (fields: Partial<RuleDraft>) => onChange({ ...rule, ...fields });
  const setRequirement = (key: string, fields: Partial<RuleDraft["requirements"][number]>) =>
    set({
      requirements: rule.requirements.map((r) => (r.key === key ? { ...r, ...fields } : r)),
    });
  return (
    <Paper withBorder p="sm" component="fieldset" m={0} aria-label={`${level} rule`}>
      <Stack gap="xs">
        <Switch
          label={LEVEL_WORDS[level]}
          description={
            rule.enabled ? "Gated: deploys must meet this rule." : "Not gated: passes freely."
          }
          checked={rule.enabled}
          onChange={(e) => set({ enabled: e.currentTarget.checked })}
        />
        {rule.enabled && (
          <>
            {rule.requirements.length === 0 && (
              <Text size="sm" c="dimmed">
                No required runs: add one, or rely on the limits below.
              </Text>
            )}
            {rule.requirements.map((r, index) => {
              const n = index + 1;
              const rowErrors = errors.requirements[index] ?? {};
              return (
                <Group key={r.key} gap="xs" align="flex-start">
                  <Autocomplete
                    label="Dataset"
                    aria-label={`Dataset of ${level} requirement ${n}`}
                    data={datasets}
                    value={r.dataset}
                    onChange={(dataset) => setRequirement(r.key, { dataset })}
                    error={rowErrors.dataset}
                    autoComplete="off"
                    w={{ base: "100%", xs: 220 }}
                  />
                  <TextInput
                    label="Scorer"
                    aria-label={`Scorer of ${level} requirement ${n}`}
                    placeholder="equals"
                    value={r.scorer}
                    onChange={(e) => setRequirement(r.key, { scorer: e.currentTarget.value })}
                    error={rowErrors.scorer}
                    w={{ base: "100%", xs: 160 }}
                  />
                  <TextInput
                    label="Minimum mean"
                    aria-label={`Minimum mean of ${level} requirement ${n}`}
                    placeholder="none"
                    inputMode="decimal"
                    value={r.minMean}
                    onChange={(e) => setRequirement(r.key, { minMean: e.currentTarget.value })}
                    error={rowErrors.minMean}
                    w={{ base: "100%", xs: 160 }}
                  />
                  <TextInput
                    label="For prompts"
                    aria-label={`Prompts of ${level} requirement ${n}`}
                    placeholder="every prompt"
                    description="Names or folders (support/), comma-separated"
                    value={r.prompts}
                    onChange={(e) => setRequirement(r.key, { prompts: e.currentTarget.value })}
                    error={rowErrors.prompts}
                    w={{ base: "100%", xs: 220 }}
                  />
                  <Button
                    variant="subtle"
                    color="red"
                    mt={{ base: 0, xs: 25 }}
                    aria-label={`Remove ${level} requirement ${n}`}
                    onClick={() =>
                      set({ requirements: rule.requirements.filter((x) => x.key !== r.key) })
                    }
                  >
                    Remove
                  </Button>
                </Group>
              );
            })}
            <Button
              variant="default"
              size="xs"
              w="fit-content"
              onClick={() => set({ requirements: [...rule.requirements, emptyRequirement()] })}
            >
              Add a required run
            </Button>
            <Checkbox
              label="No significant regression against what the environment serves"
              checked={rule.noRegression}
              onChange={(e) => set({ noRegression: e.currentTarget.checked })}
            />
            <Group gap="sm" align="flex-start">
              <TextInput
                label="Mean latency at most (ms)"
                aria-label={`Mean latency at most (ms) for ${level} changes`}
                placeholder="no limit"
                inputMode="numeric"
                value={rule.maxLatencyMs}
                onChange={(e) => set({ maxLatencyMs: e.currentTarget.value })}
                error={errors.maxLatencyMs}
                w={{ base: "100%", xs: 220 }}
              />
              <TextInput
                label="Mean cost at most (USD per call)"
                aria-label={`Mean cost at most (USD per call) for ${level} changes`}
                placeholder="no limit"
                inputMode="decimal"
                value={rule.maxCostUsd}
                onChange={(e) => set({ maxCostUsd: e.currentTarget.value })}
                error={errors.maxCostUsd}
                w={{ base: "100%", xs: 240 }}
              />
            </Group>
          </>
        )}
      </Stack>
    </Paper>
  );
}
