import { Alert, Anchor, Badge, Group, Paper, Stack, Table, Text, Title } from "@mantine/core";
import { can, type VersionEvaluation } from "@promptline/core";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { Ago } from "../ago.js";
import { api } from "../client.js";
import { Loading } from "../Loading.js";
import { ScrollRegion } from "../ScrollRegion.js";
import { useSession } from "../session/session.js";
import { interval, score, verdictColour } from "./format.js";

/**
 * A version's evaluation scores: its latest finished run on each dataset, with each scorer's mean
 * and 95 % interval and the verdict against the baseline, linked to the run; or how to get some.
 */
export function VersionEvaluations({ name, version }: { name: string; version: number }) {
  const session = useSession();
  const detail = useQuery({
    queryKey: ["prompt", name, "version", version],
    queryFn: ({ signal }) => api.versions.get(name, version, { signal }),
  });
  const evaluate = `/evaluations/new?${new URLSearchParams({ prompt: name, version: String(version) })}`;
  const mayRun = session.data ? can(session.data, "evaluation:run") : false;
  return (
    <Stack gap="sm" component="section" aria-labelledby="version-evaluations-title">
      <Title order={3} id="version-evaluations-title">
        Evaluations
      </Title>
      {detail.isPending && <Loading what="the version's evaluations" lines={2} />}
      {detail.isError && (
        <Alert color="red" title="The evaluations could not be loaded">
          {detail.error.message}
        </Alert>
      )}
      {detail.data && (detail.data.evaluations ?? []).length === 0 && (
        <Text c="dimmed" size="sm">
          Not evaluated yet.{" "}
          {mayRun ? (
            <Anchor component={Link} to={evaluate} underline="always">
              Evaluate v{version}
            </Anchor>
          ) : (
            "An editor or admin can evaluate it."
          )}
        </Text>
      )}
      {(detail.data?.evaluations ?? []).map((e) => (
        <Paper withBorder key={e.runId} aria-label={`Evaluation on ${e.dataset}`}>
          <Group justify="space-between" px="sm" pt="sm" gap="xs">
            <Text size="sm" fw={600} style={{ overflowWrap: "anywhere" }}>
              <Anchor component={Link} to={`/datasets/${e.dataset}`} inherit>
                {e.dataset}
              </Anchor>{" "}
              r{e.revision}
            </Text>
            <Text size="xs" c="dimmed">
              <Anchor component={Link} to={`/evaluations/${e.runId}`} size="xs">
                The run
              </Anchor>{" "}
              · finished <Ago at={e.finishedAt} />
            </Text>
          </Group>
          <ScrollRegion label={`Scores on ${e.dataset}, scrollable`}>
            <Table miw={420} tabularNums>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Scorer</Table.Th>
                  <Table.Th scope="col">Mean (95 % interval)</Table.Th>
                  <Table.Th scope="col">Against the baseline</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {e.scores.map((s) => {
                  const verdict = e.verdicts.find((v) => v.scorer === s.scorer)?.verdict;
                  return (
                    <Table.Tr key={s.scorer}>
                      <Table.Td>{s.scorer}</Table.Td>
                      <Table.Td>
                        {interval(s)}{" "}
                        <Text span size="xs" c="dimmed">
                          n = {s.n}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        {verdict ? (
                          <Badge variant="light" color={verdictColour(verdict)} tt="none">
                            {verdict}
                          </Badge>
                        ) : (
                          <Text span size="sm" c="dimmed">
                            no baseline
                          </Text>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </ScrollRegion>
        </Paper>
      ))}
    </Stack>
  );
}

/**
 * A version's evaluations in a list's cell: per dataset, each scorer's mean, red where it
 * regressed against the baseline; "—" when it was never evaluated.
 */
export function EvaluationSummary({ evaluations }: { evaluations: VersionEvaluation[] }) {
  if (evaluations.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  }
  return (
    <Stack gap={2}>
      {evaluations.map((e) => {
        const verdictOf = new Map(e.verdicts.map((v) => [v.scorer, v.verdict]));
        return (
          <Text key={e.runId} size="xs" style={{ overflowWrap: "anywhere" }}>
            <Anchor component={Link} to={`/evaluations/${e.runId}`} size="xs">
              {e.dataset}
            </Anchor>
            {": "}
            {e.scores.map((s, i) => {
              const verdict = verdictOf.get(s.scorer);
              return (
                <Text
                  span
                  key={s.scorer}
                  size="xs"
                  c={verdict === "regressed" ? "red" : undefined}
                  title={verdict ? `${s.scorer}: ${verdict}` : undefined}
                >
                  {i > 0 && ", "}
                  {s.scorer} {score(s.mean)}
                  {verdict === "regressed" && " (regressed)"}
                </Text>
              );
            })}
          </Text>
        );
      })}
    </Stack>
  );
}
