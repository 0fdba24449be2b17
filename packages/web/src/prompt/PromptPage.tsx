import { useParams, useSearchParams } from "react-router";
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
  const prompt = usePrompt(name);
  const versions = useVersions(name);

  const asked = params.get("tab") as TabKey | null;
  const tab: TabKey = asked && TABS.includes(asked) ? asked : "editor";
  const openVersion = params.has("version") ? Number(params.get("version")) : undefined;
  const select = (key: string) => setParams(key === "editor" ? {} : { tab: key });
  const linkTo = (version?: number) =>
    `?${new URLSearchParams({ tab: "versions", ...(version !== undefined && { version: String(version) }) })}`;

  if (prompt.isPending || versions.isPending) return <p className="loading">Loading {name}…</p>;
  if (prompt.isError || versions.isError) {
    return (
      <p role="alert" className="error">
        {name} could not be loaded: {(prompt.error ?? versions.error)?.message}
      </p>
    );
  }
  const numbers = versions.data.items.map((v) => v.version);

  return (
    <article aria-labelledby="prompt-title">
      <header className="prompt-header">
        <h1 id="prompt-title">{name}</h1>
        <p className="hint">
          {prompt.data.type} prompt{prompt.data.description ? ` — ${prompt.data.description}` : ""}
          {prompt.data.latestVersion === null
            ? " · nothing published yet"
            : ` · latest v${prompt.data.latestVersion}`}
        </p>
        <ServingSummary labels={prompt.data.labels} versions={versions.data.items} />
      </header>
      <Tabs
        label={`${name} sections`}
        current={tab}
        onSelect={select}
        tabs={[
          {
            key: "editor",
            label: "Editor",
            render: () => (
              <DraftPanel key={prompt.data.draftUpdatedAt} name={name} detail={prompt.data} />
            ),
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
            render: () => (
              <EnvironmentsPanel name={name} labels={prompt.data.labels} versions={numbers} />
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
