import {
  Badge,
  Button,
  Checkbox,
  Code,
  Group,
  NativeSelect,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from "@mantine/core";
import type { TemplateVariable } from "@promptline/core";
import { memo, useCallback, useRef } from "react";
import {
  type SettingsErrors,
  type SettingsInputs,
  VARIABLE_TYPES,
  type VariableInputs,
} from "./draftSettings.js";

const UNDESCRIBED: VariableInputs = {
  type: "string",
  required: undefined,
  defaultText: "",
  description: "",
};

/**
 * The variables the templates use, each with its type, whether a caller must give it, a default
 * and a description; a variable the schema describes but no template uses is offered for removal
 * (the server refuses to keep it).
 */
export function VariablesFields({
  detected,
  inputs,
  errors,
  onChange,
}: {
  /** The templates' variables, or why the templates cannot be read. */
  detected: TemplateVariable[] | string;
  inputs: SettingsInputs;
  errors: SettingsErrors;
  onChange: (inputs: SettingsInputs) => void;
}) {
  // One pair of edit functions for every card, whatever the schema holds now: the cards stay
  // memoised, so typing in one of 500 variables redraws that one.
  const latest = useRef({ inputs, onChange });
  latest.current = { inputs, onChange };
  const set = useCallback((name: string, change: Partial<VariableInputs>) => {
    const { inputs: now, onChange: change$ } = latest.current;
    change$({
      ...now,
      variables: {
        ...now.variables,
        [name]: { ...(now.variables[name] ?? UNDESCRIBED), ...change },
      },
    });
  }, []);
  const remove = useCallback((name: string) => {
    const { inputs: now, onChange: change$ } = latest.current;
    change$({
      ...now,
      variables: Object.fromEntries(Object.entries(now.variables).filter(([n]) => n !== name)),
    });
  }, []);
  if (typeof detected === "string") {
    return (
      <Text c="red" role="alert">
        {detected}
      </Text>
    );
  }
  const used = new Map(detected.map((v) => [v.name, v]));
  const names = [...new Set([...used.keys(), ...Object.keys(inputs.variables)])];
  if (names.length === 0) {
    return (
      <Text c="dimmed">
        No variables yet: write <Code>{"{{name}}"}</Code> in a message and it appears here.
      </Text>
    );
  }
  return (
    <Stack gap="xs">
      {names.map((name) => (
        <VariableCard
          key={name}
          name={name}
          input={inputs.variables[name] ?? UNDESCRIBED}
          inTemplate={used.has(name)}
          usedAsValue={used.get(name)?.usedAsValue ?? false}
          defaultError={errors[`variables.${name}.default`]}
          descriptionError={errors[`variables.${name}.description`]}
          set={set}
          remove={remove}
        />
      ))}
    </Stack>
  );
}

/** One variable's type, default, description and whether it is required. */
const VariableCard = memo(function VariableCard({
  name,
  input,
  inTemplate,
  usedAsValue,
  defaultError,
  descriptionError,
  set,
  remove,
}: {
  name: string;
  input: VariableInputs;
  inTemplate: boolean;
  usedAsValue: boolean;
  defaultError: string | undefined;
  descriptionError: string | undefined;
  set: (name: string, change: Partial<VariableInputs>) => void;
  remove: (name: string) => void;
}) {
  const required = input.required ?? usedAsValue;
  return (
    <Paper key={name} withBorder p="sm" aria-label={`Variable ${name}`} component="section">
      <Group justify="space-between" mb="xs">
        <Code fz="sm">{name}</Code>
        {!inTemplate && (
          <Group gap="xs">
            <Badge color="orange" variant="light">
              not in any template
            </Badge>
            <Button size="compact-sm" variant="default" onClick={() => remove(name)}>
              Remove {name} from the schema
            </Button>
          </Group>
        )}
      </Group>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="sm">
        <NativeSelect
          label={`Type of ${name}`}
          value={input.type}
          data={VARIABLE_TYPES}
          onChange={(e) => set(name, { type: e.currentTarget.value as VariableInputs["type"] })}
        />
        {input.type === "boolean" ? (
          <NativeSelect
            label={`Default of ${name}`}
            value={input.defaultText}
            data={[
              { value: "", label: "no default" },
              { value: "true", label: "true" },
              { value: "false", label: "false" },
            ]}
            onChange={(e) => set(name, { defaultText: e.currentTarget.value })}
          />
        ) : (
          <TextInput
            label={`Default of ${name}`}
            placeholder={
              input.type === "object" ? "{ }" : input.type === "array" ? "[ ]" : "no default"
            }
            value={input.defaultText}
            onChange={(e) => set(name, { defaultText: e.currentTarget.value })}
            error={defaultError}
            styles={
              input.type === "object" || input.type === "array"
                ? { input: { fontFamily: "var(--mantine-font-family-monospace)" } }
                : undefined
            }
          />
        )}
        <TextInput
          label={`Description of ${name}`}
          value={input.description}
          onChange={(e) => set(name, { description: e.currentTarget.value })}
          error={descriptionError}
        />
        <Checkbox
          mt={{ lg: "xl" }}
          label={`${name} is required`}
          description={
            input.defaultText
              ? "A variable with a default is never required."
              : input.required === undefined
                ? "As the template uses it."
                : undefined
          }
          checked={required && !input.defaultText}
          disabled={input.defaultText !== ""}
          onChange={(e) => set(name, { required: e.currentTarget.checked })}
        />
      </SimpleGrid>
    </Paper>
  );
});
