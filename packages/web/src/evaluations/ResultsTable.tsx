import {
  Alert,
  Anchor,
  Badge,
  Code,
  Group,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import type { EvalCaseResult, EvalOutput, EvalRun } from "@promptline/core";
import { useState } from "react";
import { Link } from "react-router";
import { Loading } from "../Loading.js";
import { useCursorPages } from "../Pager.js";
import { TableFrame } from "../ScrollRegion.js";
import { delta, score, variantName } from "./format.js";
import { type ResultsFilter, useResults } from "./queries.js";
import { deltaOf, inputText, outputText, shownVariants } from "./results.js";

const WRAPPED = { whiteSpace: "pre-wrap", overflowWrap: "anywhere" } as const;

const OUTCOMES = [
  { value: "regressed", label: "Regressions only" },
  { value: "improved", label: "Improved" },
  { value: "unchanged", label: "Unchanged" },
  { value: "all", label: "All" },
];

/** One variant's output on one case, its scores (with the change against the baseline), its trace. */
function OutputCell({
  result,
  output,
  isCandidate,
}: {
  result: EvalCaseResult;
  output: EvalOutput | undefined;
  isCandidate: boolean;
}) {
  if (!output) return <Text c="dimmed">not run yet</Text>;
  return (
    <Stack gap={6}>
      {output.error ? (
        <Text c="red" size="sm" style={WRAPPED}>
          Failed: {output.error}
        </Text>
      ) : (
        <Code block style={WRAPPED}>
          {outputText(output.output)}
        </Code>
      )}
      <Group gap={4}>
        {output.scores.map((s) => {
          const change = isCandidate ? deltaOf(result, output.variant, s.name) : undefined;
          const colour =
            change?.outcome === "regressed"
              ? "red"
              : change?.outcome === "improved"
                ? "green"
                : "gray";
          return (
            <Badge
              key={s.name}
              variant="light"
              color={s.error ? "red" : colour}
              tt="none"
              title={s.error ?? s.reason ?? undefined}
            >
              {s.name} {s.error ? "failed" : score(s.score)}
              {change && ` (${delta(change.delta)})`}
            </Badge>
          );
        })}
      </Group>
      <Group gap="xs">
        {output.latencyMs !== null && (
          <Text size="xs" c="dimmed">
            {Math.round(output.latencyMs)} ms
          </Text>
        )}
        {output.traceId && (
          <Anchor component={Link} to={`/traces/${encodeURIComponent(output.traceId)}`} size="xs">
            Trace
          </Anchor>
        )}
      </Group>
    </Stack>
  );
}

/**
 * Each case with its input, expected value, and the outputs side by side (baseline | candidate)
 * with every scorer's score and, for a candidate, its change; filtered to regressions, improved
 * or unchanged cases by scorer and candidate, a page at a time.
 */
export function ResultsTable({ run }: { run: EvalRun }) {
  const candidates = run.variants
    .map((v, index) => ({ v, index }))
    .filter(({ v }) => v.role === "candidate");
  const hasBaseline = run.variants.some((v) => v.role === "baseline");
  const scorers = run.scorers.map((s) => s.name ?? s.type);
  const [filter, setFilter] = useState<ResultsFilter>({
    variant: undefined,
    outcome: undefined,
    scorer: undefined,
  });
  const pages = useCursorPages();
  const results = useResults(run, filter, pages.cursor);
  const change = (next: Partial<ResultsFilter>) => {
    pages.reset();
    setFilter({ ...filter, ...next });
  };
  const columns = shownVariants(run, filter.variant);

  return (
    <Stack gap="sm" component="section" aria-labelledby="results-title">
      <Title order={2} id="results-title">
        Cases
      </Title>
      <Group gap="sm" align="flex-end">
        {hasBaseline && (
          <SegmentedControl
            aria-label="Which cases"
            data={OUTCOMES}
            value={filter.outcome ?? "all"}
            onChange={(value) =>
              change({ outcome: value === "all" ? undefined : (value as ResultsFilter["outcome"]) })
            }
            style={{ flexWrap: "wrap" }}
          />
        )}
        <Select
          label="Scorer"
          data={[
            { value: "", label: "Any scorer" },
            ...scorers.map((s) => ({ value: s, label: s })),
          ]}
          value={filter.scorer ?? ""}
          onChange={(value) => change({ scorer: value || undefined })}
          allowDeselect={false}
          w={{ base: "100%", xs: 200 }}
        />
        {candidates.length > 1 && (
          <Select
            label="Candidate"
            data={[
              { value: "", label: "Every candidate" },
              ...candidates.map(({ v, index }) => ({
                value: String(index),
                label: variantName(v),
              })),
            ]}
            value={filter.variant === undefined ? "" : String(filter.variant)}
            onChange={(value) => change({ variant: value ? Number(value) : undefined })}
            allowDeselect={false}
            w={{ base: "100%", xs: 220 }}
          />
        )}
      </Group>
      {results.isPending && <Loading what="the cases" />}
      {results.isError && (
        <Alert color="red" title="The cases could not be loaded">
          {results.error.message}
        </Alert>
      )}
      {results.data && results.data.items.length === 0 && (
        <Paper withBorder p="xl">
          <Text c="dimmed" ta="center">
            {filter.outcome === "regressed"
              ? "No case regressed on this page of cases."
              : filter.outcome
                ? `No ${filter.outcome} cases on this page of cases.`
                : "No results yet: cases appear here as they finish."}
            {results.data.nextCursor && " Later cases may: see the next page."}
          </Text>
        </Paper>
      )}
      {results.data && results.data.items.length > 0 && (
        <TableFrame label="Cases, scrollable">
          <Table miw={320 + columns.length * 300} aria-label="Cases" verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col" w={260}>
                  Case
                </Table.Th>
                {columns.map((index) => {
                  const v = run.variants[index];
                  return (
                    <Table.Th scope="col" key={index}>
                      {v ? variantName(v) : `#${index}`}{" "}
                      <Text span size="xs" c="dimmed">
                        ({v?.role})
                      </Text>
                    </Table.Th>
                  );
                })}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {results.data.items.map((result) => (
                <Table.Tr key={result.caseId} aria-label={`case ${result.caseId}`}>
                  <Table.Td style={{ verticalAlign: "top" }}>
                    <Stack gap={4}>
                      <Text size="sm" style={WRAPPED}>
                        {inputText(result.input)}
                      </Text>
                      {result.expected !== null && result.expected !== undefined && (
                        <Text size="xs" c="dimmed" style={WRAPPED}>
                          Expected: {outputText(result.expected)}
                        </Text>
                      )}
                      {result.tags.length > 0 && (
                        <Group gap={4}>
                          {result.tags.map((tag) => (
                            <Badge key={tag} size="xs" variant="outline" color="gray" tt="none">
                              {tag}
                            </Badge>
                          ))}
                        </Group>
                      )}
                    </Stack>
                  </Table.Td>
                  {columns.map((index) => (
                    <Table.Td key={index} style={{ verticalAlign: "top" }}>
                      <OutputCell
                        result={result}
                        output={result.outputs.find((o) => o.variant === index)}
                        isCandidate={run.variants[index]?.role === "candidate"}
                      />
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableFrame>
      )}
      {results.data && pages.pager(results.data.nextCursor, ["Earlier cases", "More cases"])}
    </Stack>
  );
}
