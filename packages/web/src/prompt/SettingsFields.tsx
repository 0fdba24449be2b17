import {
  Checkbox,
  Input,
  NativeSelect,
  SimpleGrid,
  Stack,
  TagsInput,
  TextInput,
} from "@mantine/core";
import { useId } from "react";
import { CodeEditor } from "../editor/CodeEditor.js";
import type { SettingsErrors, SettingsInputs } from "./draftSettings.js";

type Props = {
  inputs: SettingsInputs;
  errors: SettingsErrors;
  onChange: (inputs: SettingsInputs) => void;
};

/** A JSON value edited in a code editor, with its label, a hint and what is wrong beside it. */
export function JsonField(props: {
  label: string;
  description: string;
  value: string;
  error: string | undefined;
  placeholder: string;
  onChange: (value: string) => void;
}) {
  const id = useId();
  return (
    <Input.Wrapper
      label={props.label}
      description={props.description}
      error={props.error}
      errorProps={{ id: `${id}-error` }}
    >
      <CodeEditor
        label={props.label}
        language="json"
        value={props.value}
        onChange={props.onChange}
        placeholder={props.placeholder}
        describedBy={`${id}-error`}
      />
    </Input.Wrapper>
  );
}

/** Top p, stop sequences and other provider parameters. */
export function MoreModelFields({ inputs, errors, onChange }: Props) {
  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput
          label="Top p"
          description="Nucleus sampling, from 0 to 1; leave empty for the model's own."
          inputMode="decimal"
          value={inputs.topP}
          onChange={(e) => onChange({ ...inputs, topP: e.currentTarget.value })}
          error={errors.topP}
        />
        <TagsInput
          label="Stop sequences"
          description="Up to 8; press Enter after each."
          value={inputs.stop}
          onChange={(stop) => onChange({ ...inputs, stop })}
          maxTags={8}
          error={errors.stop}
        />
      </SimpleGrid>
      <JsonField
        label="Other provider parameters"
        description="Passed to the provider unchanged, e.g. a seed."
        value={inputs.extra}
        onChange={(extra) => onChange({ ...inputs, extra })}
        error={errors.extra}
        placeholder='{ "seed": 7 }'
      />
    </Stack>
  );
}

/** The tools the model may call, and the form its answer takes. */
export function ToolFields({ inputs, errors, onChange }: Props) {
  return (
    <Stack gap="sm">
      <JsonField
        label="Tools"
        description="A JSON array of functions the model may call."
        value={inputs.tools}
        onChange={(tools) => onChange({ ...inputs, tools })}
        error={errors.tools}
        placeholder='[{ "type": "function", "function": { "name": "lookup_order", "parameters": { "type": "object" } } }]'
      />
      <NativeSelect
        label="Response format"
        value={inputs.responseFormat}
        onChange={(e) =>
          onChange({
            ...inputs,
            responseFormat: e.currentTarget.value as SettingsInputs["responseFormat"],
          })
        }
        data={[
          { value: "", label: "the model's default" },
          { value: "text", label: "text" },
          { value: "json_object", label: "any JSON object" },
          { value: "json_schema", label: "JSON meeting a schema" },
        ]}
      />
      {inputs.responseFormat === "json_schema" && (
        <>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label="Schema name"
              value={inputs.schemaName}
              onChange={(e) => onChange({ ...inputs, schemaName: e.currentTarget.value })}
              error={errors.schemaName}
              maxLength={64}
            />
            <Checkbox
              mt={{ sm: "xl" }}
              label="Strict: the provider enforces the schema"
              checked={inputs.schemaStrict}
              onChange={(e) => onChange({ ...inputs, schemaStrict: e.currentTarget.checked })}
            />
          </SimpleGrid>
          <JsonField
            label="Response schema"
            description="The JSON Schema the model's answer must meet."
            value={inputs.schemaJson}
            onChange={(schemaJson) => onChange({ ...inputs, schemaJson })}
            error={errors.schemaJson}
            placeholder='{ "type": "object", "properties": { "answer": { "type": "string" } } }'
          />
        </>
      )}
    </Stack>
  );
}

/** What an output must meet to pass: a JSON Schema, a length, a pattern. */
export function ConstraintFields({ inputs, errors, onChange }: Props) {
  return (
    <Stack gap="sm">
      <JsonField
        label="Output JSON Schema"
        description="The output, read as JSON, must meet it."
        value={inputs.jsonSchema}
        onChange={(jsonSchema) => onChange({ ...inputs, jsonSchema })}
        error={errors.jsonSchema}
        placeholder='{ "type": "object", "required": ["answer"] }'
      />
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput
          label="Maximum length"
          description="In characters."
          inputMode="numeric"
          value={inputs.maxLength}
          onChange={(e) => onChange({ ...inputs, maxLength: e.currentTarget.value })}
          error={errors.maxLength}
        />
        <TextInput
          label="Pattern"
          description="A regular expression the output must match."
          value={inputs.pattern}
          onChange={(e) => onChange({ ...inputs, pattern: e.currentTarget.value })}
          error={errors.pattern}
          styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
        />
      </SimpleGrid>
    </Stack>
  );
}
