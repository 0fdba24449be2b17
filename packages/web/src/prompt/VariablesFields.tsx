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
  const set = (name: string, change: Partial<VariableInputs>) =>
    onChange({
      ...inputs,
      variables: {
        ...inputs.variables,
        [name]: { ...(inputs.variables[name] ?? UNDESCRIBED), ...change },
      },
    });
  const remove = (name: string) =>
    onChange({
      ...inputs,
      variables: Object.fromEntries(Object.entries(inputs.variables).filter(([n]) => n !== name)),
    });
  return (
    <Stack gap="xs">
      {names.map((name) => {
        const input = inputs.variables[name] ?? UNDESCRIBED;
        const variable = used.get(name);
        const required = input.required ?? variable?.usedAsValue ?? false;
        return (
          <Paper key={name} withBorder p="sm" aria-label={`Variable ${name}`} component="section">
            <Group justify="space-between" mb="xs">
              <Code fz="sm">{name}</Code>
              {!variable && (
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
                onChange={(e) =>
                  set(name, { type: e.currentTarget.value as VariableInputs["type"] })
                }
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
                  error={errors[`variables.${name}.default`]}
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
                error={errors[`variables.${name}.description`]}
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
      })}
    </Stack>
  );
}
