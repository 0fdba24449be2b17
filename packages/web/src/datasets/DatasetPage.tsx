import { Alert, Anchor, Badge, Button, Group, Stack, Text, Title } from "@mantine/core";
import { ApiError } from "@promptline/client";
import { Link, Navigate, useParams, useSearchParams } from "react-router";
import { Loading } from "../Loading.js";
import { Tabs } from "../Tabs.js";
import { usePageTitle } from "../title.js";
import { CasesPanel } from "./CasesPanel.js";
import { DescriptionEditor } from "./DescriptionEditor.js";
import { useDataset, useDatasetWriter } from "./queries.js";
import { RevisionsPanel } from "./RevisionsPanel.js";

/**
 * One dataset: its name, description and newest revision, then tabs for its cases (any revision,
 * edited inline, imported and exported) and its revisions. The tab, revision and tag are in the
 * address, so a view can be linked to.
 */
export function DatasetPage() {
  const name = (useParams()["*"] ?? "").replace(/\/+$/, "");
  usePageTitle(name || "Datasets");
  const [params, setParams] = useSearchParams();
  const dataset = useDataset(name);
  const { mayWrite, role } = useDatasetWriter();
  const tab = params.get("tab") === "revisions" ? "revisions" : "cases";

  if (!name) return <Navigate to="/datasets" replace />;
  if (dataset.isPending) return <Loading what={name} lines={6} />;
  if (!dataset.data) {
    const missing = dataset.error instanceof ApiError && dataset.error.status === 404;
    return (
      <Alert
        color={missing ? "blue" : "red"}
        title={missing ? `There is no dataset named ${name}` : `${name} could not be loaded`}
      >
        {!missing && <Text mb="sm">{dataset.error?.message}</Text>}
        <Group gap="sm">
          <Button component={Link} to="/datasets" variant="default">
            All datasets
          </Button>
          {!missing && <Button onClick={() => dataset.refetch()}>Try again</Button>}
        </Group>
      </Alert>
    );
  }
  const d = dataset.data;
  /** Opens a revision's cases (undefined: the latest). */
  const openRevision = (revision?: number) =>
    setParams(revision ? { revision: String(revision) } : {});

  return (
    <article aria-labelledby="dataset-title">
      <Stack component="header" gap={6}>
        <Anchor component={Link} to="/datasets" size="sm">
          ← All datasets
        </Anchor>
        <Title order={1} id="dataset-title" style={{ overflowWrap: "anywhere" }}>
          {name}
        </Title>
        <Group gap="xs">
          <Badge variant="light" color="gray" tt="none">
            {d.latestRevision === 0 ? "no revisions yet" : `revision ${d.latestRevision}`}
          </Badge>
          <Text size="sm" c="dimmed">
            {d.caseCount} {d.caseCount === 1 ? "case" : "cases"}
          </Text>
        </Group>
        <DescriptionEditor name={name} description={d.description} mayWrite={mayWrite} />
        {!mayWrite && role && (
          <Text size="sm" c="dimmed">
            Your key's role ({role}) can read this dataset; changing it needs an editor or admin
            key.
          </Text>
        )}
      </Stack>
      <Tabs
        label={`${name} sections`}
        current={tab}
        onSelect={(key) => setParams(key === "cases" ? {} : { tab: key })}
        tabs={[
          {
            key: "cases",
            label: `Cases (${d.caseCount})`,
            render: () => <CasesPanel dataset={d} mayWrite={mayWrite} />,
          },
          {
            key: "revisions",
            label: "Revisions",
            render: () => <RevisionsPanel name={name} onOpen={openRevision} />,
          },
        ]}
      />
    </article>
  );
}
