import { Alert, Badge, Button, Group, NumberInput, Table, Text, TextInput } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "../client.js";
import { fieldErrors } from "../fieldErrors.js";
import { Loading } from "../Loading.js";
import { TableFrame } from "../ScrollRegion.js";
import { toastDone, toastFailed } from "../toast.js";
import { FormCard, Section } from "./Section.js";

const EMPTY = { model: "", input: "" as number | string, output: "" as number | string };

/** `0.15` → "$0.15": a price per million tokens as a person reads it. */
const usd = (amount: number) => `$${amount}`;

/** Model prices per million tokens: the project's own and the defaults. */
export function PricesPanel({ readOnly }: { readOnly?: string | undefined }) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState(EMPTY);
  const prices = useQuery({
    queryKey: ["prices"],
    queryFn: () => api.prices.list(),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["prices"] });
  const set = useMutation({
    mutationFn: (model: string) =>
      api.prices.set(model, {
        inputPerMillion: Number(form.input),
        outputPerMillion: Number(form.output),
      }),
    onSuccess: (_, model) => {
      setForm(EMPTY);
      toastDone(`Set the project's price for ${model}.`);
      void refresh();
    },
  });
  const unset = useMutation({
    mutationFn: (model: string) => api.prices.remove(model),
    onSuccess: (_, model) => {
      toastDone(`Removed the project's price for ${model}; the default applies again.`);
      void refresh();
    },
    onError: (error, model) => toastFailed(`The price for ${model} was not removed`, error),
  });
  const refused = set.isError ? fieldErrors(set.error) : undefined;

  return (
    <Section
      id="prices-title"
      title="Model prices (USD per million tokens)"
      description="What a trace's tokens cost. The project's own prices replace the defaults for the same model."
    >
      {readOnly ? (
        <Text c="dimmed" size="sm">
          {readOnly}
        </Text>
      ) : (
        <FormCard title="Set a price">
          <form
            aria-label="Set a model price"
            onSubmit={(e) => {
              e.preventDefault();
              set.mutate(form.model.trim());
            }}
          >
            <Group align="flex-start" gap="sm">
              <TextInput
                label="Model"
                placeholder="my-finetune"
                value={form.model}
                onChange={(e) => setForm({ ...form, model: e.currentTarget.value })}
                required
                w={{ base: "100%", xs: 240 }}
              />
              <NumberInput
                label="Input"
                leftSection="$"
                min={0}
                hideControls
                decimalScale={6}
                value={form.input}
                onChange={(value) => setForm({ ...form, input: value })}
                error={refused?.fields.inputPerMillion}
                required
                w={{ base: "100%", xs: 140 }}
              />
              <NumberInput
                label="Output"
                leftSection="$"
                min={0}
                hideControls
                decimalScale={6}
                value={form.output}
                onChange={(value) => setForm({ ...form, output: value })}
                error={refused?.fields.outputPerMillion}
                required
                w={{ base: "100%", xs: 140 }}
              />
              <Button type="submit" mt={{ base: 0, xs: 25 }} loading={set.isPending}>
                Set price
              </Button>
            </Group>
            {refused?.general && (
              <Text role="alert" c="red" size="sm" mt="xs">
                {refused.general}
              </Text>
            )}
          </form>
        </FormCard>
      )}
      {prices.isPending && <Loading what="prices" />}
      {prices.isError && (
        <Alert color="red" variant="light" title="The prices could not be loaded">
          {prices.error.message}
        </Alert>
      )}
      {prices.data && (
        <TableFrame label="Model prices list">
          <Table miw={560} tabularNums>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Model</Table.Th>
                <Table.Th scope="col">Input</Table.Th>
                <Table.Th scope="col">Output</Table.Th>
                <Table.Th scope="col">Source</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {prices.data.items.map((p) => (
                <Table.Tr key={p.model} aria-label={`price ${p.model}`}>
                  <Table.Td fw={500} style={{ wordBreak: "break-word" }}>
                    {p.model}
                  </Table.Td>
                  <Table.Td>{usd(p.inputPerMillion)}</Table.Td>
                  <Table.Td>{usd(p.outputPerMillion)}</Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Badge
                        variant="light"
                        color={p.source === "project" ? "blue" : "gray"}
                        size="sm"
                        tt="none"
                        miw="max-content"
                      >
                        {p.source}
                      </Badge>
                      {p.source === "project" && (
                        <Button
                          variant="subtle"
                          size="compact-sm"
                          aria-label={`Restore default for ${p.model}`}
                          disabled={unset.isPending || readOnly !== undefined}
                          onClick={() => unset.mutate(p.model)}
                        >
                          Restore default
                        </Button>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableFrame>
      )}
    </Section>
  );
}
