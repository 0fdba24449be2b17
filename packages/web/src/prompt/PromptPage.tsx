import { Alert, Badge, Button, Group, Stack, Text, Title } from "@mantine/core";
import { ApiError } from "@promptline/client";
import { Link, Navigate, useParams, useSearchParams } from "react-router";
import { Loading } from "../Loading.js";
import { RolloutView } from "../rollouts/RolloutView.js";
import { StartRolloutPanel } from "../rollouts/StartRolloutPanel.js";
import { Tabs } from "../Tabs.js";
import { usePageTitle } from "../title.js";
import { DashboardPanel } from "./DashboardPanel.js";
import { DiffPanel } from "./DiffPanel.js";
import { DraftPanel } from "./DraftPanel.js";
import { EnvironmentsPanel } from "./EnvironmentsPanel.js";
import { usePrompt, useVersions } from "./queries.js";
import { ServingSummary } from "./ServingSummary.js";
import { VersionsPanel } from "./VersionsPanel.js";

const TABS = ["editor", "versions", "environments", "compare", "metrics"] as const;
type TabKey = (typeof TABS)[number];

/**
 * One prompt: a header that says what each environment serves, then tabs for editing the draft,
 * the versions (each readable as published), the environments, comparing and metrics. The tab
 * (and an opened version) is in the address, so it can be linked to.
 */
export function PromptPage() {
  const name = useParams()["*"] ?? "";
  usePageTitle(name);
  const [params, setParams] = useSearchParams();
  // `/prompts` alone (or with trailing slashes) names no prompt: nothing is asked for it.
  const named = name.replace(/\/+$/, "") !== "";
  const prompt = usePrompt(named ? name : "", { whenNamed: true });
  const versions = useVersions(named ? name : "", { whenNamed: true });

  const asked = params.get("tab") as TabKey | null;
  const tab: TabKey = asked && TABS.includes(asked) ? asked : "editor";
  // As typed in the address: the versions tab says so when there is no such version.
  const openVersion = params.get("version") ?? undefined;
  const select = (key: string) => setParams(key === "editor" ? {} : { tab: key });
  // The environments tab shows one rollout live, or the form that starts one, when asked.
  const rollout = params.get("rollout") ?? undefined;
  const startOn = params.get("start") ?? undefined;
  const environmentsTab = "?tab=environments";
  const linkTo = (version?: number) =>
    `?${new URLSearchParams({ tab: "versions", ...(version !== undefined && { version: String(version) }) })}`;

  // `/prompts` alone leads to the list (a folder asked for stays asked for).
  if (!named) return <Navigate to={`/${location.search}`} replace />;
  if (prompt.isPending || versions.isPending) return <Loading what={name} lines={6} />;
  // Once loaded, the page stays when a later refetch fails (the server away, the session ended):
  // the frame says so, and an unsaved draft below is kept.
  if (!prompt.data || !versions.data) {
    const error = prompt.error ?? versions.error;
    // The folder the prompt would be in; a name without one may be a folder itself.
    const folder = name.includes("/") ? name.slice(0, name.lastIndexOf("/")) : name;
    const missing = error instanceof ApiError && error.status === 404;
    return (
      <Alert
        color={missing ? "blue" : "red"}
        title={missing ? `There is no prompt named ${name}` : `${name} could not be loaded`}
      >
        {!missing && <Text mb="sm">{error?.message}</Text>}
        <Group gap="sm">
          <Button component={Link} to={`/?folder=${encodeURIComponent(folder)}`} variant="default">
            Prompts in {folder}/
          </Button>
          <Button component={Link} to="/" variant="default">
            All prompts
          </Button>
          {!missing && <Button onClick={() => location.reload()}>Reload</Button>}
        </Group>
      </Alert>
    );
  }
  const numbers = versions.data.items.map((v) => v.version);
  const { type, description, latestVersion } = prompt.data;

  return (
    <article aria-labelledby="prompt-title">
      <Stack component="header" gap="sm">
        <div>
          <Title order={1} id="prompt-title" style={{ overflowWrap: "anywhere" }}>
            {name}
          </Title>
          <Group gap="xs" mt={4}>
            <Badge variant="light" color="gray" tt="none">
              {type} prompt
            </Badge>
            <Text size="sm" c="dimmed">
              {latestVersion === null ? "Nothing published yet" : `Latest v${latestVersion}`}
            </Text>
          </Group>
          {description && (
            <Text c="dimmed" mt={4}>
              {description}
            </Text>
          )}
        </div>
        <Group justify="space-between" align="flex-start" gap="sm">
          <ServingSummary name={name} labels={prompt.data.labels} versions={versions.data.items} />
          <Group gap="sm">
            <Button
              component={Link}
              to={`/evaluations?${new URLSearchParams({ prompt: name })}`}
              variant="default"
            >
              Its evaluations
            </Button>
            <Button
              component={Link}
              to={`/playground?${new URLSearchParams({ prompt: name })}`}
              variant="light"
            >
              Open in the playground
            </Button>
          </Group>
        </Group>
      </Stack>
      <Tabs
        label={`${name} sections`}
        current={tab}
        onSelect={select}
        tabs={[
          {
            key: "editor",
            label: "Editor",
            render: () => <DraftPanel key={name} name={name} detail={prompt.data} />,
          },
          {
            key: "versions",
            label: `Versions (${numbers.length})`,
            render: () => (
              <VersionsPanel versions={versions.data.items} open={openVersion} linkTo={linkTo} />
            ),
          },
          {
            key: "environments",
            label: "Environments",
            render: () =>
              rollout !== undefined ? (
                <RolloutView key={rollout} name={name} id={rollout} back={environmentsTab} />
              ) : startOn !== undefined ? (
                <StartRolloutPanel
                  key={startOn}
                  name={name}
                  environment={startOn}
                  labels={prompt.data.labels}
                  versions={versions.data.items}
                  back={environmentsTab}
                  onStarted={(r) => setParams({ tab: "environments", rollout: String(r.id) })}
                />
              ) : (
                <EnvironmentsPanel
                  name={name}
                  labels={prompt.data.labels}
                  versions={versions.data.items}
                />
              ),
          },
          {
            key: "compare",
            label: "Compare",
            render: () => <DiffPanel key={numbers[0]} name={name} versions={versions.data.items} />,
          },
          { key: "metrics", label: "Metrics", render: () => <DashboardPanel name={name} /> },
        ]}
      />
    </article>
  );
}
