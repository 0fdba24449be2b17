import { Badge, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import type { EvalRun, ScorerComparison, VariantSummary } from "@promptline/core";
import { money } from "../money.js";
import { TableFrame } from "../ScrollRegion.js";
import { delta, interval, pValue, variantName, verdictColour } from "./format.js";
import { IntervalPlot } from "./IntervalPlot.js";

/** One scorer's comparison: verdict and p-value, the plot, and the numbers it draws. */
function ScorerCard({ comparison }: { comparison: ScorerComparison }) {
  const c = comparison;
  return (
    <Paper withBorder p="sm" component="article" aria-label={`${c.scorer}: ${c.verdict}`}>
      <Stack gap={6}>
        <Group justify="space-between" gap="xs">
          <Text fw={600} style={{ overflowWrap: "anywhere" }}>
            {c.scorer}
          </Text>
          <Group gap={6}>
            <Text size="xs" c="dimmed">
              {pValue(c.pValue)}
            </Text>
            <Badge variant="light" color={verdictColour(c.verdict)} tt="none">
              {c.verdict}
            </Badge>
          </Group>
        </Group>
        <IntervalPlot comparison={c} />
        <Text size="xs" c="dimmed">
          Baseline {interval(c.baseline)} · candidate {interval(c.candidate)} · difference{" "}
          {interval(c.difference, delta)}
        </Text>
        <Text size="xs">
          {c.regressedCases} case{c.regressedCases === 1 ? "" : "s"} regressed, {c.improvedCases}{" "}
          improved, {c.unchangedCases} unchanged
        </Text>
      </Stack>
    </Paper>
  );
}

/** A variant's own figures, when there is nothing to compare it with (no baseline). */
function ScoresTable({ run }: { run: EvalRun }) {
  const summary = run.summary;
  if (!summary) return null;
  const scorers = run.scorers.map((s) => s.name ?? s.type);
  return (
    <TableFrame label="Scores by variant, scrollable">
      <Table miw={560} tabularNums aria-label="Scores by variant">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Variant</Table.Th>
            {scorers.map((s) => (
              <Table.Th scope="col" key={s}>
                {s}
              </Table.Th>
            ))}
            <Table.Th scope="col">Latency</Table.Th>
            <Table.Th scope="col">Cost</Table.Th>
            <Table.Th scope="col">Errors</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {summary.variants.map((v) => {
            const variant = run.variants[v.variant];
            return (
              <Table.Tr key={v.variant}>
                <Table.Th scope="row" fw={500}>
                  {variant ? variantName(variant) : `#${v.variant}`}{" "}
                  {variant?.role === "baseline" && (
                    <Badge size="xs" variant="light" color="gray">
                      baseline
                    </Badge>
                  )}
                </Table.Th>
                {scorers.map((s) => {
                  const found = v.scores.find((x) => x.scorer === s);
                  return (
                    <Table.Td key={s}>
                      {interval(found?.interval)}
                      {found && found.errors > 0 && (
                        <Text span size="xs" c="red">
                          {" "}
                          ({found.errors} failed)
                        </Text>
                      )}
                    </Table.Td>
                  );
                })}
                <Table.Td>
                  {v.meanLatencyMs === null ? "—" : `${Math.round(v.meanLatencyMs)} ms`}
                </Table.Td>
                <Table.Td>{money(v.meanCostUsd)}</Table.Td>
                <Table.Td>{v.errors}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </TableFrame>
  );
}

function CandidateComparison({ run, summary }: { run: EvalRun; summary: VariantSummary }) {
  const candidate = run.variants[summary.variant];
  const baseline =
    summary.baselineVariant === null ? undefined : run.variants[summary.baselineVariant];
  const title = `${candidate ? variantName(candidate) : `#${summary.variant}`} against ${baseline ? variantName(baseline) : "no baseline"}`;
  return (
    <Stack gap="sm" component="section" aria-label={title}>
      <Title order={3} size="h4" style={{ overflowWrap: "anywhere" }}>
        {title}
      </Title>
      <SimpleGrid cols={{ base: 1, md: 2, xl: 3 }} spacing="sm">
        {summary.comparison.map((c) => (
          <ScorerCard key={c.scorer} comparison={c} />
        ))}
      </SimpleGrid>
    </Stack>
  );
}

/**
 * What the run found: for each candidate and scorer, the baseline's and candidate's means with
 * their 95 % intervals drawn, the paired difference against zero, the p-value and the verdict;
 * then every variant's own scores, latency, cost and errors.
 */
export function ComparisonSummary({ run }: { run: EvalRun }) {
  const summary = run.summary;
  const compared = summary?.variants.filter((v) => v.comparison.length > 0) ?? [];
  return (
    <Stack gap="md" component="section" aria-labelledby="summary-title">
      <Title order={2} id="summary-title">
        Comparison
      </Title>
      {!summary || summary.variants.length === 0 ? (
        <Text c="dimmed">No results yet: the comparison appears as the first cases finish.</Text>
      ) : compared.length === 0 ? (
        <Text c="dimmed">
          This run had no baseline, so nothing is compared: each variant's own scores are below.
        </Text>
      ) : (
        compared.map((v) => <CandidateComparison key={v.variant} run={run} summary={v} />)
      )}
      {summary && summary.variants.length > 0 && (
        <>
          <Title order={3} size="h4">
            Scores by variant
          </Title>
          <Text size="sm" c="dimmed">
            Mean score with its 95 % interval, mean latency and cost per call, and failed calls.
          </Text>
          <ScoresTable run={run} />
        </>
      )}
    </Stack>
  );
}
