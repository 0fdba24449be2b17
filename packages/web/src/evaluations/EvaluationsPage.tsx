import {
  Alert,
  Anchor,
  Autocomplete,
  Badge,
  Button,
  Group,
  Paper,
  Progress,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { can, type EvalRun } from "@promptline/core";
import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { actorName } from "../actors.js";
import { Ago } from "../ago.js";
import { Loading } from "../Loading.js";
import { useCursorPages } from "../Pager.js";
import { useMatchingPrompts } from "../playground/matchingPrompts.js";
import { TableFrame } from "../ScrollRegion.js";
import { useSession } from "../session/session.js";
import { usePageTitle } from "../title.js";
import { headline, statusColour, variantName, verdictColour } from "./format.js";
import { isActive, useRuns } from "./queries.js";

/** The status, with how far a running run got. */
function Status({ run }: { run: EvalRun }) {
  const { done, total, errored } = run.progress;
  return (
    <Stack gap={4} miw={110}>
      <Group gap={4}>
        <Badge variant="light" color={statusColour(run.status)}>
          {run.status}
        </Badge>
        {errored > 0 && (
          <Text span size="xs" c="red">
            {errored} failed
          </Text>
        )}
      </Group>
      {isActive(run.status) && (
        <Progress
          value={total === 0 ? 0 : (done / total) * 100}
          size="sm"
          aria-label={`Progress of run ${run.id}: ${done} of ${total}`}
        />
      )}
      <Text size="xs" c="dimmed">
        {done} / {total}
      </Text>
    </Stack>
  );
}

/** Each candidate's headline against the baseline: a regression first, then an improvement. */
function Verdicts({ run }: { run: EvalRun }) {
  const lines = (run.summary?.variants ?? [])
    .map((v) => ({ variant: run.variants[v.variant], line: headline(v.comparison) }))
    .filter((x) => x.line !== null);
  if (lines.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {isActive(run.status) ? "when it finishes" : "no comparison"}
      </Text>
    );
  }
  return (
    <Stack gap={4}>
      {lines.map(({ variant, line }) =>
        line ? (
          <Group key={variant?.label} gap={4} wrap="nowrap">
            {lines.length > 1 && variant && (
              <Text span size="xs">
                {variantName(variant)}:
              </Text>
            )}
            {/* The verdict is the point of the column: never cut to "regre…". */}
            <Badge
              variant="light"
              color={verdictColour(line.verdict)}
              tt="none"
              style={{ flexShrink: 0, overflow: "visible" }}
            >
              {line.verdict}
            </Badge>
            {line.verdict !== "not enough cases" && line.verdict !== "no significant change" && (
              <Text span size="xs" c="dimmed">
                {line.scorers.join(", ")}
              </Text>
            )}
          </Group>
        ) : null,
      )}
    </Stack>
  );
}

/**
 * Every evaluation run, newest first, filtered to one prompt if asked: what ran on which dataset
 * revision, how far it got, what it found, who started it and when. "New evaluation" for keys
 * that may run them; a viewer is told why it is off.
 */
export function EvaluationsPage() {
  usePageTitle("Evaluations");
  const session = useSession();
  const mayRun = session.data ? can(session.data, "evaluation:run") : false;
  const [params, setParams] = useSearchParams();
  const prompt = params.get("prompt") ?? "";
  const [typed, setTyped] = useState(prompt);
  const matching = useMatchingPrompts(typed);
  const pages = useCursorPages();
  const runs = useRuns(prompt || undefined, pages.cursor);
  const filterBy = (name: string) => {
    pages.reset();
    setParams(name ? { prompt: name } : {});
  };

  return (
    <Stack component="section" aria-labelledby="evaluations-title" gap="md" maw={1400}>
      <Group justify="space-between" align="flex-end" gap="sm">
        <div>
          <Title order={1} id="evaluations-title">
            Evaluations
          </Title>
          <Text c="dimmed" size="sm">
            Runs of prompt versions over a dataset, scored and compared with what an environment
            serves.
          </Text>
        </div>
        <Stack gap={4} align="flex-end">
          {mayRun ? (
            <Button
              component={Link}
              to={`/evaluations/new${prompt ? `?${new URLSearchParams({ prompt })}` : ""}`}
            >
              New evaluation
            </Button>
          ) : (
            <Button disabled>New evaluation</Button>
          )}
          {!mayRun && session.data && (
            <Text size="xs" c="dimmed">
              Starting evaluations needs an editor or admin key.
            </Text>
          )}
        </Stack>
      </Group>
      <form
        aria-label="Filter runs"
        onSubmit={(e) => {
          e.preventDefault();
          filterBy(typed.trim());
        }}
      >
        <Group gap="sm" align="flex-end">
          <Autocomplete
            label="Prompt"
            placeholder="every prompt"
            value={typed}
            onChange={setTyped}
            onOptionSubmit={filterBy}
            data={matching}
            filter={({ options }) => options}
            autoComplete="off"
            w={{ base: "100%", xs: 320 }}
          />
          <Button type="submit" variant="default">
            Filter
          </Button>
          {prompt && (
            <Button
              variant="subtle"
              onClick={() => {
                setTyped("");
                filterBy("");
              }}
            >
              Show every prompt
            </Button>
          )}
        </Group>
      </form>
      {runs.isPending && <Loading what="evaluation runs" lines={5} />}
      {runs.isError && (
        <Alert color="red" title="The runs could not be loaded">
          {runs.error.message}
        </Alert>
      )}
      {runs.data && runs.data.items.length === 0 && (
        <Paper withBorder p="xl">
          <Text c="dimmed" ta="center">
            {prompt ? `No evaluation of ${prompt} yet.` : "No evaluations yet."}{" "}
            {mayRun
              ? "Start one with “New evaluation”: pick a prompt's versions, a dataset and scorers."
              : "An editor or admin can start one; its results will be here."}
          </Text>
        </Paper>
      )}
      {runs.data && runs.data.items.length > 0 && (
        <TableFrame label="Evaluation runs, scrollable">
          <Table miw={1100} aria-label="Evaluation runs" verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Run</Table.Th>
                <Table.Th scope="col">Prompt</Table.Th>
                <Table.Th scope="col">Dataset</Table.Th>
                <Table.Th scope="col">Candidates</Table.Th>
                <Table.Th scope="col">Status</Table.Th>
                <Table.Th scope="col">Verdict</Table.Th>
                <Table.Th scope="col">Who</Table.Th>
                <Table.Th scope="col">When</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {runs.data.items.map((run) => (
                <Table.Tr key={run.id} aria-label={`run ${run.id}`}>
                  <Table.Td>
                    <Anchor component={Link} to={`/evaluations/${run.id}`} fw={600}>
                      Open
                      <Text span size="xs" c="dimmed" ml={4}>
                        {run.id.slice(-6)}
                      </Text>
                    </Anchor>
                  </Table.Td>
                  <Table.Td style={{ overflowWrap: "break-word" }}>
                    <Anchor component={Link} to={`/prompts/${run.prompt}`}>
                      {run.prompt}
                    </Anchor>
                  </Table.Td>
                  <Table.Td style={{ overflowWrap: "break-word" }}>
                    <Anchor component={Link} to={`/datasets/${run.dataset}`}>
                      {run.dataset}
                    </Anchor>{" "}
                    <Text span size="xs" c="dimmed">
                      r{run.revision}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {run.variants
                      .filter((v) => v.role === "candidate")
                      .map(variantName)
                      .join(", ")}
                    {run.variants.some((v) => v.role === "baseline") && (
                      <Text size="xs" c="dimmed">
                        vs{" "}
                        {run.variants
                          .filter((v) => v.role === "baseline")
                          .map(variantName)
                          .join(", ")}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Status run={run} />
                  </Table.Td>
                  <Table.Td>
                    <Verdicts run={run} />
                  </Table.Td>
                  <Table.Td>{actorName(run.createdBy)}</Table.Td>
                  <Table.Td>
                    <Ago at={run.createdAt} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableFrame>
      )}
      {runs.data && pages.pager(runs.data.nextCursor, ["Newer runs", "Older runs"])}
    </Stack>
  );
}
