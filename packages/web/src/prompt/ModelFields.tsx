import { NativeSelect, SimpleGrid, TextInput } from "@mantine/core";
import type { PromptContent } from "@promptline/core";
import { useProviders } from "./queries.js";

/** The model settings edited as fields, as typed (numbers are read when the draft is built). */
export interface ModelInputs {
  provider: string;
  model: string;
  temperature: string;
  maxTokens: string;
}

/** The config keys these fields edit; the other settings fields edit the rest of the config. */
export const MODEL_KEYS = ["provider", "model", "temperature", "maxTokens"] as const;

export function modelInputsOf(content: PromptContent): ModelInputs {
  const config = content.config ?? {};
  return {
    provider: config.provider ?? "",
    model: config.model ?? "",
    temperature: config.temperature === undefined ? "" : String(config.temperature),
    maxTokens: config.maxTokens === undefined ? "" : String(config.maxTokens),
  };
}

/** What is wrong with each field, in words, by the rules the server applies. */
export function modelErrors(inputs: ModelInputs): Partial<Record<keyof ModelInputs, string>> {
  const errors: Partial<Record<keyof ModelInputs, string>> = {};
  const temperature = Number(inputs.temperature);
  if (inputs.temperature.trim() && !(temperature >= 0 && temperature <= 2)) {
    errors.temperature = "Temperature is a number from 0 to 2.";
  }
  const maxTokens = Number(inputs.maxTokens);
  if (
    inputs.maxTokens.trim() &&
    !(Number.isInteger(maxTokens) && maxTokens >= 1 && maxTokens <= 1_000_000)
  ) {
    errors.maxTokens = "Max tokens is a whole number from 1 to 1,000,000.";
  }
  if (inputs.model.length > 200) errors.model = "A model name is at most 200 characters.";
  return errors;
}

/** The fields' part of a config (only what is filled in); undefined while a field is wrong. */
export function modelConfigOf(inputs: ModelInputs): Record<string, unknown> | undefined {
  if (Object.keys(modelErrors(inputs)).length > 0) return undefined;
  return {
    ...(inputs.provider && { provider: inputs.provider }),
    ...(inputs.model.trim() && { model: inputs.model.trim() }),
    ...(inputs.temperature.trim() && { temperature: Number(inputs.temperature) }),
    ...(inputs.maxTokens.trim() && { maxTokens: Number(inputs.maxTokens) }),
  };
}

/** Provider (from the project's connections), model, temperature and max tokens, as fields. */
export function ModelFields({
  inputs,
  onChange,
}: {
  inputs: ModelInputs;
  onChange: (inputs: ModelInputs) => void;
}) {
  const providers = useProviders();
  const connections = providers.data?.items ?? [];
  const errors = modelErrors(inputs);
  const set = (key: keyof ModelInputs) => (value: string) => onChange({ ...inputs, [key]: value });
  const chosen = connections.find((c) => c.name === inputs.provider);
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="sm">
      <NativeSelect
        label="Provider"
        value={inputs.provider}
        onChange={(e) => set("provider")(e.currentTarget.value)}
        data={[
          {
            value: "",
            label:
              connections.length > 1
                ? "not set: each call names a connection"
                : "the project's only connection",
          },
          ...connections.map((c) => ({ value: c.name, label: `${c.name} (${c.kind})` })),
          ...(inputs.provider && !chosen && providers.isSuccess
            ? [{ value: inputs.provider, label: `${inputs.provider} (not connected)` }]
            : []),
        ]}
      />
      <TextInput
        label="Model"
        value={inputs.model}
        onChange={(e) => set("model")(e.currentTarget.value)}
        placeholder={chosen?.defaultModel ?? "e.g. gpt-4o-mini"}
        error={errors.model}
      />
      <TextInput
        label="Temperature"
        placeholder="0 to 2"
        inputMode="decimal"
        value={inputs.temperature}
        onChange={(e) => set("temperature")(e.currentTarget.value)}
        error={errors.temperature}
      />
      <TextInput
        label="Max tokens"
        placeholder="the model's limit"
        inputMode="numeric"
        value={inputs.maxTokens}
        onChange={(e) => set("maxTokens")(e.currentTarget.value)}
        error={errors.maxTokens}
      />
    </SimpleGrid>
  );
}
