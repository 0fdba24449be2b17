import {
  Alert,
  Anchor,
  Box,
  Button,
  Group,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import type { Dataset } from "@promptline/core";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { Ago } from "../ago.js";
import { api } from "../client.js";
import { EmptyState } from "../EmptyState.js";
import { Loading } from "../Loading.js";
import { useCursorPages } from "../Pager.js";
import { TableFrame } from "../ScrollRegion.js";
import { usePageTitle } from "../title.js";
import { NewDatasetForm } from "./NewDatasetForm.js";
import { datasetKeys } from "./queries.js";

const PAGE_SIZE = 50;

/** `support/refunds` → `support`; a name without a slash is in no folder. */
const folderOf = (name: string) => (name.includes("/") ? name.slice(0, name.lastIndexOf("/")) : "");

/** One dataset's row: its name (to open it), folder (to narrow the list to it), size and age. */
function DatasetRow({ dataset: d }: { dataset: Dataset }) {
  const folder = folderOf(d.name);
  return (
    <Table.Tr>
      <Table.Td miw={200} maw={360}>
        <Anchor
          component={Link}
          to={`/datasets/${d.name}`}
          fw={600}
          style={{ wordBreak: "break-word" }}
        >
          {d.name}
        </Anchor>
        {d.description && (
          <Text size="xs" c="dimmed" lineClamp={1}>
            {d.description}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        {folder ? (
          <Anchor component={Link} to={`/datasets?folder=${encodeURIComponent(folder)}`} size="sm">
            {folder}/
          </Anchor>
        ) : (
          <Text size="sm" c="dimmed">
            —
          </Text>
        )}
      </Table.Td>
      <Table.Td ta="right">{d.caseCount}</Table.Td>
      <Table.Td>
        <Text size="sm" ff="monospace">
          {d.latestRevision === 0 ? "none yet" : `r${d.latestRevision}`}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text component="span" size="sm" c="dimmed">
          <Ago at={d.updatedAt} />
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}

/** Every dataset with how many cases it holds and its newest revision; searchable, paged. */
export function DatasetsPage() {
  usePageTitle("Datasets");
  const [search, setSearch] = useState("");
  const [params, setParams] = useSearchParams();
  const folder = params.get("folder") ?? "";
  const pages = useCursorPages();
  const query = search.trim();
  const asked = {
    limit: PAGE_SIZE,
    ...(query && { q: query }),
    ...(folder && { folder }),
    ...(pages.cursor && { after: pages.cursor }),
  };
  const datasets = useQuery({
    queryKey: datasetKeys.list(asked),
    queryFn: ({ signal }) => api.datasets.list(asked, { signal }),
    placeholderData: keepPreviousData,
  });
  const items = datasets.data?.items;

  return (
    <Stack component="section" aria-labelledby="datasets-title" gap="lg">
      <Group justify="space-between" align="flex-end" gap="sm">
        <Box style={{ minWidth: 0 }}>
          <Title order={1} id="datasets-title" style={{ overflowWrap: "anywhere" }}>
            Datasets{folder ? ` in ${folder}/` : ""}
          </Title>
          <Text c="dimmed" size="sm">
            Versioned test cases that evaluations run prompts against.
          </Text>
        </Box>
        <NewDatasetForm key={folder} folder={folder} />
      </Group>
      <Group gap="sm" align="flex-end">
        <TextInput
          type="search"
          aria-label="Search datasets by name or description"
          placeholder="Search by name or description"
          value={search}
          onChange={(e) => {
            setSearch(e.currentTarget.value);
            pages.reset();
          }}
          w={{ base: "100%", sm: 420 }}
        />
        {folder && (
          <Button
            variant="default"
            onClick={() => {
              setParams({});
              pages.reset();
            }}
          >
            All folders
          </Button>
        )}
      </Group>
      {datasets.isPending && <Loading what="datasets" lines={5} />}
      {datasets.isError && (
        <Alert color="red" variant="light" title="The datasets could not be loaded">
          {datasets.error.message}
        </Alert>
      )}
      {items && items.length === 0 && (
        <EmptyState
          title={
            query ? "Nothing matches" : folder ? "This folder has no datasets" : "No datasets yet"
          }
        >
          {query ? (
            <>Nothing has “{query}” in its name or description.</>
          ) : (
            <>
              Create one with <b>New dataset</b>, then add cases, import a CSV or JSONL file, or add
              production calls from the{" "}
              <Anchor component={Link} to="/traces" inherit>
                Traces
              </Anchor>{" "}
              screen.
            </>
          )}
        </EmptyState>
      )}
      {items && items.length > 0 && (
        <TableFrame label="Datasets list" dimmed={datasets.isPlaceholderData}>
          <Table aria-label="Datasets" miw={640} verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Name</Table.Th>
                <Table.Th scope="col">Folder</Table.Th>
                <Table.Th scope="col" ta="right">
                  Cases
                </Table.Th>
                <Table.Th scope="col">Latest revision</Table.Th>
                <Table.Th scope="col">Updated</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((d) => (
                <DatasetRow key={d.name} dataset={d} />
              ))}
            </Table.Tbody>
          </Table>
        </TableFrame>
      )}
      {pages.pager(datasets.data?.nextCursor, ["Previous", "Next"])}
    </Stack>
  );
}
