import { Alert, Anchor, Badge, EmptyState, Group, Paper, Table, Text, Title } from "@mantine/core";
import type { TraceSummary as Trace } from "@promptline/core";
import { type TraceListQuery, traceListQuerySchema } from "@promptline/core";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Link, useNavigate, useSearchParams } from "react-router";
import { api } from "../client.js";
import { AddToDataset } from "../datasets/AddToDataset.js";
import { Loading } from "../Loading.js";
import { money } from "../money.js";
import { useCursorPages } from "../Pager.js";
import { TableFrame } from "../ScrollRegion.js";
import { usePageTitle } from "../title.js";
import { TraceFilters } from "./TraceFilters.js";

/** The prompt version a trace came from, with the label it was asked by. */
const promptOf = (t: Trace) =>
  t.prompt
    ? `${t.prompt.name}${t.prompt.version ? ` v${t.prompt.version}` : ""}${t.prompt.label ? ` @${t.prompt.label}` : ""}`
    : "—";

/** One call in the list; the whole row opens it, and its link is there for the keyboard. */
function TraceRow({ trace: t, onOpen }: { trace: Trace; onOpen: () => void }) {
  return (
    <Table.Tr onClick={onOpen} style={{ cursor: "pointer" }}>
      <Table.Td style={{ whiteSpace: "nowrap" }}>
        <Anchor component={Link} to={`/traces/${t.id}`} size="sm">
          {new Date(t.startTime).toLocaleString()}
        </Anchor>
      </Table.Td>
      <Table.Td>
        <Group gap={6} wrap="nowrap">
          <Text span size="sm" maw={320} style={{ overflowWrap: "anywhere" }}>
            {promptOf(t)}
          </Text>
          {t.origin === "playground" && (
            <Badge variant="light" color="grape" size="sm" style={{ flexShrink: 0 }}>
              playground
            </Badge>
          )}
        </Group>
      </Table.Td>
      {/* Long unbroken values (anyone's model or user id) wrap instead of widening the table. */}
      <Table.Td maw={220} style={{ overflowWrap: "anywhere" }}>
        {t.model ?? "—"}
      </Table.Td>
      <Table.Td>
        <Badge variant="dot" color={t.status === "error" ? "red" : "green"} size="sm">
          {t.status}
        </Badge>
      </Table.Td>
      <Table.Td ta="right">{t.latencyMs === null ? "—" : `${Math.round(t.latencyMs)} ms`}</Table.Td>
      <Table.Td ta="right">{t.usage.totalTokens ?? "—"}</Table.Td>
      <Table.Td ta="right">{money(t.cost)}</Table.Td>
      <Table.Td maw={220} style={{ overflowWrap: "anywhere" }}>
        {t.userId ?? "—"}
      </Table.Td>
    </Table.Tr>
  );
}

/** The API's trace filters, which the address may hold; paging is the page's own. */
const FILTER_KEYS = new Set(
  Object.keys(traceListQuerySchema.shape).filter((key) => key !== "limit" && key !== "cursor"),
);

/** Calls, newest first, filtered by anything a trace is tagged with. */
export function TracesPage() {
  usePageTitle("Traces");
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const pages = useCursorPages();
  // The filters are the page's own query, as typed: the server says what it cannot read.
  const cursor = pages.cursor;
  // Only the list's own filters are asked for: a link's other parameters (utm_source, the page's
  // `range`, which only says which time preset shows) are left in the address and out of the API.
  const filters = Object.fromEntries(
    [...params].filter(([key]) => FILTER_KEYS.has(key as keyof TraceListQuery)),
  );
  const query = { ...filters, limit: 50, ...(cursor && { cursor }) };
  const traces = useQuery({
    queryKey: ["traces", query],
    queryFn: () => api.traces.list(query),
    placeholderData: keepPreviousData,
  });
  const setFilters = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    pages.reset();
    setParams(next, { replace: true });
  };

  return (
    <section aria-labelledby="traces-title">
      <Group justify="space-between" align="center" mb="md" gap="sm">
        <Title order={1} id="traces-title">
          Traces
        </Title>
        {traces.data && traces.data.items.length > 0 && (
          <AddToDataset selection={{ filter: filters }} label="Add all matching to a dataset" />
        )}
      </Group>
      <TraceFilters params={params} onChange={setFilters} />
      {traces.isPending && <Loading what="traces" lines={6} />}
      {traces.isError && (
        <Alert color="red" title="The traces could not be loaded" mb="md">
          {traces.error.message}
        </Alert>
      )}
      {traces.data && traces.data.items.length === 0 && (
        <Paper withBorder p="xl">
          <EmptyState
            title="No trace matches."
            description="Calls through the gateway, the SDK or OpenTelemetry appear here."
          />
        </Paper>
      )}
      {traces.data && traces.data.items.length > 0 && (
        <TableFrame label="Traces, scrollable" dimmed={traces.isPlaceholderData}>
          <Table aria-label="Traces list" miw={880}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Started</Table.Th>
                <Table.Th scope="col">Prompt</Table.Th>
                <Table.Th scope="col">Model</Table.Th>
                <Table.Th scope="col">Status</Table.Th>
                <Table.Th scope="col" ta="right">
                  Latency
                </Table.Th>
                <Table.Th scope="col" ta="right">
                  Tokens
                </Table.Th>
                <Table.Th scope="col" ta="right">
                  Cost
                </Table.Th>
                <Table.Th scope="col">User</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {traces.data.items.map((t) => (
                <TraceRow key={t.id} trace={t} onOpen={() => navigate(`/traces/${t.id}`)} />
              ))}
            </Table.Tbody>
          </Table>
        </TableFrame>
      )}
      <Group mt="md">{pages.pager(traces.data?.nextCursor, ["Newer", "Older"])}</Group>
    </section>
  );
}
