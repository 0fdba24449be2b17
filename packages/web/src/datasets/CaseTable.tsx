import { Button, Group, Paper, Stack, Table, Text } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import type { DatasetCase } from "@promptline/core";
import type { ReactNode } from "react";
import { TableFrame } from "../ScrollRegion.js";
import { CaseExpected, CaseSource, CaseTags, CaseVariables, caseSummary } from "./CaseFields.js";

/** What a case's row offers (nothing for an old revision or a key that may not write). */
export interface CaseActions {
  editing: string | null;
  onEdit: (c: DatasetCase) => void;
  onRemove: (c: DatasetCase) => void;
  /** The inline editor of the case being edited. */
  editor: (c: DatasetCase) => ReactNode;
}

/** Edit and Remove for one case, named after it for a screen reader. */
function Buttons({ value, actions }: { value: DatasetCase; actions: CaseActions }) {
  const summary = caseSummary(value);
  return (
    <Group gap={4} wrap="nowrap">
      <Button
        size="compact-sm"
        variant="light"
        onClick={() => actions.onEdit(value)}
        aria-label={`Edit the case ${summary}`}
      >
        Edit
      </Button>
      <Button
        size="compact-sm"
        variant="subtle"
        color="red"
        onClick={() => actions.onRemove(value)}
        aria-label={`Remove the case ${summary}`}
      >
        Remove
      </Button>
    </Group>
  );
}

/** One label and value of a case's card on a phone. */
function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase">
        {label}
      </Text>
      {children}
    </div>
  );
}

/**
 * A revision's cases: a table on a wide screen, a card per case on a phone, and the case being
 * edited replaced in place by its editor.
 */
export function CaseTable({
  cases,
  actions,
}: {
  cases: DatasetCase[];
  actions: CaseActions | undefined;
}) {
  const phone = useMediaQuery("(max-width: 48em)");
  if (phone) {
    return (
      <Stack gap="sm" component="ul" aria-label="Cases" p={0} m={0} style={{ listStyle: "none" }}>
        {cases.map((c) => (
          <Paper component="li" key={c.id} withBorder p="sm">
            {actions?.editing === c.id ? (
              actions.editor(c)
            ) : (
              <Stack gap="xs">
                <Field label="Variables">
                  <CaseVariables value={c} />
                </Field>
                <Field label="Expected">
                  <CaseExpected value={c} />
                </Field>
                <Field label="Tags">
                  <CaseTags value={c} />
                </Field>
                <Field label="Source">
                  <CaseSource value={c} />
                </Field>
                {actions && <Buttons value={c} actions={actions} />}
              </Stack>
            )}
          </Paper>
        ))}
      </Stack>
    );
  }
  const columns = actions ? 5 : 4;
  return (
    <TableFrame label="Cases, scrollable">
      <Table aria-label="Cases" miw={820} verticalSpacing="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Variables</Table.Th>
            <Table.Th scope="col">Expected</Table.Th>
            <Table.Th scope="col">Tags</Table.Th>
            <Table.Th scope="col">Source</Table.Th>
            {actions && <Table.Th scope="col">Actions</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {cases.map((c) =>
            actions?.editing === c.id ? (
              <Table.Tr key={c.id}>
                <Table.Td colSpan={columns} bg="var(--mantine-color-default-hover)">
                  {actions.editor(c)}
                </Table.Td>
              </Table.Tr>
            ) : (
              <Table.Tr key={c.id}>
                <Table.Td maw={320} style={{ verticalAlign: "top" }}>
                  <CaseVariables value={c} />
                </Table.Td>
                <Table.Td maw={320} style={{ verticalAlign: "top" }}>
                  <CaseExpected value={c} />
                </Table.Td>
                <Table.Td style={{ verticalAlign: "top" }}>
                  <CaseTags value={c} />
                </Table.Td>
                <Table.Td maw={200} style={{ verticalAlign: "top" }}>
                  <CaseSource value={c} />
                </Table.Td>
                {actions && (
                  <Table.Td style={{ verticalAlign: "top" }}>
                    <Buttons value={c} actions={actions} />
                  </Table.Td>
                )}
              </Table.Tr>
            ),
          )}
        </Table.Tbody>
      </Table>
    </TableFrame>
  );
}
