import {
  Alert,
  Anchor,
  Badge,
  Box,
  Code,
  Flex,
  Group,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import type { PromptSummary } from "@promptline/core";
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
import { ExampleOffer } from "./ExampleOffer.js";
import { offersExample } from "./example.js";
import { FolderTree } from "./FolderTree.js";
import { NewPromptForm } from "./NewPromptForm.js";

const PAGE_SIZE = 50;

/** The colour of an environment's dot (the badge's text keeps the theme's): production green, staging orange. */
const environmentColor = (environment: string) =>
  environment === "production" ? "green" : environment === "staging" ? "orange" : "blue";

/** A magnifying glass, for the search field. */
function SearchIcon() {
  return (
    <svg width="16" height="16" viewBox="0 0 24 24" fill="none" aria-hidden="true">
      <title>Search</title>
      <circle cx="11" cy="11" r="7" stroke="currentColor" strokeWidth="2" />
      <path d="m20 20-3.5-3.5" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
    </svg>
  );
}

/** One prompt's row: its name (to open it), what each environment serves, its tags. */
function PromptRow({ prompt: p }: { prompt: PromptSummary }) {
  return (
    <Table.Tr>
      <Table.Td miw={200} maw={360}>
        <Anchor
          component={Link}
          to={`/prompts/${p.name}`}
          fw={600}
          style={{ wordBreak: "break-word" }}
        >
          {p.name}
        </Anchor>
        {p.description && (
          <Text size="xs" c="dimmed" lineClamp={1}>
            {p.description}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Text size="sm">{p.type}</Text>
      </Table.Td>
      <Table.Td>
        {p.latestVersion === null ? (
          <Text size="sm" c="dimmed" style={{ whiteSpace: "nowrap" }}>
            draft only
          </Text>
        ) : (
          <Text size="sm" ff="monospace">
            v{p.latestVersion}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Group gap={4}>
          {Object.entries(p.labels).map(([env, version]) => (
            <Badge
              key={env}
              variant="dot"
              color={environmentColor(env)}
              size="sm"
              tt="none"
              miw="max-content"
            >
              {env} v{version}
            </Badge>
          ))}
        </Group>
      </Table.Td>
      <Table.Td>
        <Group gap={4}>
          {p.tags.map((tag) => (
            <Badge key={tag} variant="default" size="sm" tt="none" miw="max-content" fw={500}>
              {tag}
            </Badge>
          ))}
        </Group>
      </Table.Td>
      <Table.Td>
        <Text component="span" size="sm" c="dimmed">
          <Ago at={p.updatedAt} />
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}

/** Every prompt with the version each environment serves, searchable, a page at a time. */
export function PromptsPage() {
  usePageTitle("Prompts");
  const [search, setSearch] = useState("");
  // The folder is in the address (`/?folder=support`), so it can be linked to and Back leaves it.
  const [params, setParams] = useSearchParams();
  const folder = params.get("folder") ?? "";
  // The offer stays while it runs (the list fills as it does) and while it has failed.
  const [creatingExample, setCreatingExample] = useState(false);
  const pages = useCursorPages();
  const after = pages.cursor;
  const query = search.trim();
  const prompts = useQuery({
    queryKey: ["prompts", folder, query, after],
    queryFn: () =>
      api.prompts.list({
        limit: PAGE_SIZE,
        ...(query && { q: query }),
        ...(folder && { folder }),
        ...(after && { after }),
      }),
    placeholderData: keepPreviousData,
  });
  const items = prompts.data?.items;

  const offer = items && !query && !folder && (creatingExample || offersExample(items)) && (
    <ExampleOffer onActive={setCreatingExample} />
  );

  return (
    <Stack component="section" aria-labelledby="prompts-title" gap="lg">
      <Group justify="space-between" align="flex-end" gap="sm">
        <Box style={{ minWidth: 0 }}>
          <Title order={1} id="prompts-title" style={{ overflowWrap: "anywhere" }}>
            Prompts{folder ? ` in ${folder}/` : ""}
          </Title>
          <Text c="dimmed" size="sm">
            Versioned prompts and the version each environment serves.
          </Text>
        </Box>
        <NewPromptForm key={folder} folder={folder} />
      </Group>
      <Flex
        direction={{ base: "column", sm: "row" }}
        gap="lg"
        align={{ base: "stretch", sm: "flex-start" }}
      >
        <Paper withBorder p="xs" w={{ base: "100%", sm: 230 }} style={{ flexShrink: 0 }}>
          <FolderTree
            selected={folder}
            onSelect={(path) => {
              setParams(path ? { folder: path } : {});
              pages.reset();
            }}
          />
        </Paper>
        <Stack gap="md" style={{ flex: 1, minWidth: 0 }}>
          <TextInput
            type="search"
            aria-label="Search by name, tag or description"
            placeholder="Search by name, tag or description"
            leftSection={<SearchIcon />}
            value={search}
            onChange={(e) => {
              setSearch(e.currentTarget.value);
              pages.reset();
            }}
            maw={480}
          />
          {prompts.isPending && <Loading what="prompts" lines={5} />}
          {prompts.isError && (
            <Alert color="red" variant="light" title="The prompts could not be loaded">
              {prompts.error.message}
            </Alert>
          )}
          {items && items.length === 0 && (
            <EmptyState
              title={
                query ? "Nothing matches" : folder ? "This folder is empty" : "Nothing here yet"
              }
              extra={
                offer && (
                  <Box mt="md" w="100%" maw={640} ta="left">
                    {offer}
                  </Box>
                )
              }
            >
              {query ? (
                <>
                  Nothing has “{query}” in its name, tags or description
                  {folder ? ` in ${folder}/` : ""}.
                </>
              ) : (
                <>
                  Create one with the button above, from the CLI with{" "}
                  <Code style={{ whiteSpace: "nowrap" }}>promptline create</Code>, or through the
                  API.
                </>
              )}
            </EmptyState>
          )}
          {items && items.length > 0 && offer}
          {items && items.length > 0 && (
            <TableFrame label="Prompts list">
              <Table miw={760} verticalSpacing="sm">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Name</Table.Th>
                    <Table.Th scope="col">Type</Table.Th>
                    <Table.Th scope="col">Latest</Table.Th>
                    <Table.Th scope="col">Environments</Table.Th>
                    <Table.Th scope="col">Tags</Table.Th>
                    <Table.Th scope="col">Updated</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((p) => (
                    <PromptRow key={p.name} prompt={p} />
                  ))}
                </Table.Tbody>
              </Table>
            </TableFrame>
          )}
          {pages.pager(prompts.data?.nextCursor, ["Previous", "Next"])}
        </Stack>
      </Flex>
    </Stack>
  );
}
