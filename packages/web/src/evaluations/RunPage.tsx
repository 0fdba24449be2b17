import {
  Alert,
  Anchor,
  Badge,
  Button,
  DataList,
  Group,
  Paper,
  Stack,
  Text,
  Title,
} from "@mantine/core";
import { ApiError } from "@promptline/client";
import type { EvalRun } from "@promptline/core";
import type { ReactNode } from "react";
import { Link, useParams } from "react-router";
import { actorName } from "../actors.js";
import { Ago } from "../ago.js";
import { Loading } from "../Loading.js";
import { usePageTitle } from "../title.js";
import { ComparisonSummary } from "./ComparisonSummary.js";
import { variantName } from "./format.js";
import { useRun } from "./queries.js";
import { ResultsTable } from "./ResultsTable.js";
import { RunProgress } from "./RunProgress.js";

/** The run's setup: prompt, dataset revision, variants, scorers, who started it and when. */
function RunFacts({ run }: { run: EvalRun }) {
  const facts: Array<[string, ReactNode]> = [
    [
      "Prompt",
      <Anchor key="prompt" component={Link} to={`/prompts/${run.prompt}`}>
        {run.prompt}
      </Anchor>,
    ],
    [
      "Dataset",
      <Anchor
        key="dataset"
        component={Link}
        to={`/datasets/${run.dataset}?revision=${run.revision}`}
      >
        {run.dataset} r{run.revision}
      </Anchor>,
    ],
    [
      "Candidates",
      run.variants
        .filter((v) => v.role === "candidate")
        .map(variantName)
        .join(", "),
    ],
    [
      "Baseline",
      run.variants
        .filter((v) => v.role === "baseline")
        .map(variantName)
        .join(", ") || "none",
    ],
    [
      "Scorers",
      <Group key="scorers" gap={4}>
        {run.scorers.map((s) => (
          <Badge key={s.name ?? s.type} variant="light" color="gray" tt="none">
            {s.name ?? s.type}
            {s.name && s.name !== s.type ? ` (${s.type})` : ""}
          </Badge>
        ))}
      </Group>,
    ],
    ["Environment", run.environment ?? "—"],
    [
      "Started",
      <span key="by">
        by {actorName(run.createdBy)} <Ago at={run.createdAt} />
      </span>,
    ],
    ["Finished", run.finishedAt ? <Ago key="finished" at={run.finishedAt} /> : "not yet"],
  ];
  return (
    <Paper withBorder p="md">
      <DataList labelWidth="7rem" style={{ overflowWrap: "anywhere" }}>
        {facts.map(([label, value]) => (
          <DataList.Item key={label}>
            <DataList.ItemLabel>{label}</DataList.ItemLabel>
            <DataList.ItemValue>{value}</DataList.ItemValue>
          </DataList.Item>
        ))}
      </DataList>
    </Paper>
  );
}

/**
 * One evaluation run: its progress, live while it runs (with Cancel and Resume); the comparison
 * of each candidate with the baseline, intervals drawn; and every case's outputs side by side.
 */
export function RunPage() {
  const id = useParams().id ?? "";
  const run = useRun(id);
  usePageTitle(run.data ? `Evaluation of ${run.data.prompt}` : "Evaluation");
  if (run.isPending) return <Loading what="the evaluation run" lines={6} />;
  if (!run.data) {
    const missing = run.error instanceof ApiError && run.error.status === 404;
    return (
      <Alert
        color={missing ? "blue" : "red"}
        title={missing ? "There is no such evaluation run" : "The run could not be loaded"}
      >
        <Text mb="sm">{missing ? `No run has the id ${id}.` : run.error?.message}</Text>
        <Button component={Link} to="/evaluations" variant="default">
          All evaluations
        </Button>
      </Alert>
    );
  }
  const data = run.data;
  return (
    <Stack component="article" aria-labelledby="run-title" gap="lg" maw={1400}>
      <div>
        <Anchor component={Link} to="/evaluations" size="sm">
          ← All evaluations
        </Anchor>
        <Title order={1} id="run-title" style={{ overflowWrap: "anywhere" }}>
          Evaluation of {data.prompt}
        </Title>
        <Text c="dimmed" size="sm">
          On {data.dataset} r{data.revision} · run {data.id}
        </Text>
      </div>
      <RunFacts run={data} />
      <RunProgress run={data} />
      <ComparisonSummary run={data} />
      <ResultsTable run={data} />
    </Stack>
  );
}
