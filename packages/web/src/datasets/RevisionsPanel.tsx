import { Alert, Anchor, Group, Table, Text, Title } from "@mantine/core";
import type { DatasetRevision } from "@promptline/core";
import { actorName } from "../actors.js";
import { Ago } from "../ago.js";
import { EmptyState } from "../EmptyState.js";
import { Loading } from "../Loading.js";
import { useCursorPages } from "../Pager.js";
import { TableFrame } from "../ScrollRegion.js";
import { useRevisions } from "./queries.js";

/** "+3 ~1 −2": what a revision added, changed and removed, each only when it did. */
function Changes({ revision: r }: { revision: DatasetRevision }) {
  const parts = [
    r.added > 0 && (
      <Text key="added" span size="sm" c="var(--mantine-color-green-text)" fw={500}>
        +{r.added}
      </Text>
    ),
    r.updated > 0 && (
      <Text key="updated" span size="sm" c="var(--mantine-color-blue-text)" fw={500}>
        ~{r.updated}
      </Text>
    ),
    r.removed > 0 && (
      <Text key="removed" span size="sm" c="var(--mantine-color-red-text)" fw={500}>
        −{r.removed}
      </Text>
    ),
  ].filter(Boolean);
  return (
    <Group
      gap={8}
      wrap="nowrap"
      aria-label={`${r.added} added, ${r.updated} changed, ${r.removed} removed`}
      role="group"
    >
      {parts.length > 0 ? (
        parts
      ) : (
        <Text size="sm" c="dimmed">
          —
        </Text>
      )}
    </Group>
  );
}

/**
 * Every revision of a dataset, newest first: its number (which opens its cases, read-only),
 * message, what it changed, how many cases it holds, who made it and when.
 */
export function RevisionsPanel({
  name,
  onOpen,
}: {
  name: string;
  onOpen: (revision: number) => void;
}) {
  const pages = useCursorPages();
  const revisions = useRevisions(name, pages.cursor ? Number(pages.cursor) : undefined);
  const next = revisions.data?.nextCursor;
  return (
    <section aria-labelledby="revisions-title">
      <Title order={2} id="revisions-title" size="h3" mb="sm">
        Revisions
      </Title>
      {revisions.isPending && <Loading what="the revisions" lines={4} />}
      {revisions.isError && (
        <Alert color="red" title="The revisions could not be loaded">
          {revisions.error.message}
        </Alert>
      )}
      {revisions.data && revisions.data.items.length === 0 && (
        <EmptyState>
          No revisions yet: the first case added or file imported makes revision 1.
        </EmptyState>
      )}
      {revisions.data && revisions.data.items.length > 0 && (
        <TableFrame label="Revisions, scrollable">
          <Table aria-label="Revisions" miw={720} verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Revision</Table.Th>
                <Table.Th scope="col">Message</Table.Th>
                <Table.Th scope="col">Changes</Table.Th>
                <Table.Th scope="col" ta="right">
                  Cases
                </Table.Th>
                <Table.Th scope="col">Who</Table.Th>
                <Table.Th scope="col">When</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {revisions.data.items.map((r) => (
                <Table.Tr key={r.revision}>
                  <Table.Td>
                    <Anchor
                      component="button"
                      type="button"
                      ff="monospace"
                      size="sm"
                      onClick={() => onOpen(r.revision)}
                      aria-label={`r${r.revision}: open its cases`}
                    >
                      r{r.revision}
                    </Anchor>
                  </Table.Td>
                  <Table.Td maw={320} style={{ overflowWrap: "anywhere" }}>
                    {r.message || (
                      <Text span size="sm" c="dimmed">
                        no message
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Changes revision={r} />
                  </Table.Td>
                  <Table.Td ta="right">{r.caseCount}</Table.Td>
                  <Table.Td maw={200} style={{ overflowWrap: "anywhere" }}>
                    {actorName(r.actor)}
                  </Table.Td>
                  <Table.Td>
                    <Text span size="sm" c="dimmed">
                      <Ago at={r.createdAt} />
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableFrame>
      )}
      {pages.pager(next === null || next === undefined ? null : String(next), ["Newer", "Older"])}
    </section>
  );
}
