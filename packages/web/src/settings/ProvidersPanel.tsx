import {
  Alert,
  Button,
  Code,
  Group,
  Paper,
  PasswordInput,
  Select,
  SimpleGrid,
  Table,
  Text,
  TextInput,
  VisuallyHidden,
} from "@mantine/core";
import type { ProviderKind } from "@promptline/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ConfirmDialog } from "../ConfirmDialog.js";
import { api } from "../client.js";
import { fieldErrors } from "../fieldErrors.js";
import { Loading } from "../Loading.js";
import { useProviders } from "../prompt/queries.js";
import { TableFrame } from "../ScrollRegion.js";
import { toastDone, toastFailed } from "../toast.js";
import { FormCard, Section } from "./Section.js";

const EMPTY = {
  name: "",
  kind: "openai" as ProviderKind,
  baseUrl: "",
  apiKey: "",
  defaultModel: "",
};

const KINDS: Array<{ value: ProviderKind; label: string }> = [
  { value: "openai", label: "OpenAI-compatible" },
  { value: "anthropic", label: "Anthropic" },
  { value: "echo", label: "echo (dry runs)" },
];

/** Provider connections: keys are write-only and shown masked. */
export function ProvidersPanel({ readOnly }: { readOnly?: string | undefined }) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState(EMPTY);
  const providers = useProviders();
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["providers"] });
  const add = useMutation({
    mutationFn: () =>
      api.providers.create({
        name: form.name.trim(),
        kind: form.kind,
        ...(form.baseUrl.trim() && { baseUrl: form.baseUrl.trim() }),
        ...(form.apiKey.trim() && { apiKey: form.apiKey.trim() }),
        ...(form.defaultModel.trim() && { defaultModel: form.defaultModel.trim() }),
      }),
    onSuccess: (provider) => {
      setForm(EMPTY);
      toastDone(`Connected ${provider.name}.`);
      void refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (name: string) => api.providers.remove(name),
    onSuccess: (_, name) => {
      toastDone(`Removed the connection ${name} and its stored key.`);
      void refresh();
    },
    onError: (error, name) => toastFailed(`${name} was not removed`, error),
  });
  const [removing, setRemoving] = useState<string | undefined>();
  // What the server refused, beside the field it is about.
  const refused = add.isError ? fieldErrors(add.error) : undefined;
  const text = (key: "name" | "baseUrl" | "defaultModel", label: string, placeholder: string) => (
    <TextInput
      id={`provider-${key}`}
      label={label}
      placeholder={placeholder}
      autoComplete="off"
      value={form[key]}
      onChange={(e) => setForm({ ...form, [key]: e.currentTarget.value })}
      error={refused?.fields[key]}
    />
  );

  return (
    <Section
      id="providers-title"
      title="Provider connections"
      description="The LLM providers the gateway and the playground call. A stored key is never shown again, only its last characters."
    >
      {providers.isPending && <Loading what="connections" />}
      {providers.isError && (
        <Alert color="red" variant="light" title="The connections could not be loaded">
          {providers.error.message}
        </Alert>
      )}
      {providers.data && providers.data.items.length === 0 && (
        <Paper withBorder p="lg" ta="center" style={{ borderStyle: "dashed" }}>
          <Text c="dimmed" size="sm">
            No provider yet: the gateway and the playground need one.
          </Text>
        </Paper>
      )}
      {providers.data && providers.data.items.length > 0 && (
        <TableFrame label="Provider connections list">
          <Table miw={720}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Name</Table.Th>
                <Table.Th scope="col">Kind</Table.Th>
                <Table.Th scope="col">Base URL</Table.Th>
                <Table.Th scope="col">Key</Table.Th>
                <Table.Th scope="col">Default model</Table.Th>
                <Table.Th scope="col">
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {providers.data.items.map((p) => (
                <Table.Tr key={p.name} aria-label={`provider ${p.name}`}>
                  <Table.Td fw={500}>{p.name}</Table.Td>
                  <Table.Td>
                    <Text size="sm">{KINDS.find((k) => k.value === p.kind)?.label ?? p.kind}</Text>
                  </Table.Td>
                  <Table.Td style={{ wordBreak: "break-all" }}>
                    {p.baseUrl ?? (
                      <Text span size="sm" c="dimmed">
                        default
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {p.hasApiKey ? (
                      <Code>{p.apiKeyHint}</Code>
                    ) : (
                      <Text span size="sm" c="dimmed">
                        none
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{p.defaultModel ?? "—"}</Table.Td>
                  <Table.Td ta="right">
                    <Button
                      variant="subtle"
                      color="red"
                      size="compact-sm"
                      aria-label={`Remove ${p.name}`}
                      disabled={readOnly !== undefined}
                      onClick={() => setRemoving(p.name)}
                    >
                      Remove
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableFrame>
      )}
      {readOnly ? (
        <Text c="dimmed" size="sm">
          {readOnly}
        </Text>
      ) : (
        <FormCard title="Connect a provider">
          <form
            aria-label="Connect a provider"
            onSubmit={(e: FormEvent) => {
              e.preventDefault();
              add.mutate();
            }}
          >
            <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} spacing="sm">
              {text("name", "Name", "openai")}
              <Select
                label="Kind"
                value={form.kind}
                onChange={(value) =>
                  setForm({ ...form, kind: (value as ProviderKind) ?? "openai" })
                }
                allowDeselect={false}
                data={KINDS}
                error={refused?.fields.kind}
              />
              {text("baseUrl", "Base URL", "the kind's default")}
              <PasswordInput
                id="provider-apiKey"
                label="API key (write-only)"
                autoComplete="off"
                value={form.apiKey}
                onChange={(e) => setForm({ ...form, apiKey: e.currentTarget.value })}
                error={refused?.fields.apiKey}
                // Mantine's PasswordInput describes the field by its error but does not mark it.
                aria-invalid={refused?.fields.apiKey ? true : undefined}
                visibilityToggleButtonProps={{ "aria-label": "Show or hide the provider's key" }}
              />
              {text("defaultModel", "Default model", "gpt-4o-mini")}
            </SimpleGrid>
            {refused?.general && (
              <Text role="alert" c="red" size="sm" mt="sm">
                {refused.general}
              </Text>
            )}
            <Group justify="flex-end" mt="md">
              <Button type="submit" loading={add.isPending} disabled={form.name.trim() === ""}>
                Connect
              </Button>
            </Group>
          </form>
        </FormCard>
      )}
      <ConfirmDialog
        confirmation={
          removing === undefined
            ? undefined
            : {
                title: "Remove the connection?",
                text: `Remove '${removing}' and its stored key? Gateway calls and playground runs that name it, or prompts whose config names it, are refused until a connection of that name is added again.`,
                action: `Remove ${removing}`,
                danger: true,
              }
        }
        onCancel={() => setRemoving(undefined)}
        onConfirm={() => {
          if (removing) remove.mutate(removing);
          setRemoving(undefined);
        }}
      />
    </Section>
  );
}
