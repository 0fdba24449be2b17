import { useParams } from "react-router";
import { actorName } from "../actors.js";
import { ScrollRegion } from "../ScrollRegion.js";
import { usePageTitle } from "../title.js";
import { DashboardPanel } from "./DashboardPanel.js";
import { DiffPanel } from "./DiffPanel.js";
import { DraftPanel } from "./DraftPanel.js";
import { EnvironmentsPanel } from "./EnvironmentsPanel.js";
import { usePrompt, useVersions } from "./queries.js";

/** One prompt: where it is deployed, its versions, and how its labels moved. */
export function PromptPage() {
  const name = useParams()["*"] ?? "";
  usePageTitle(name);
  const prompt = usePrompt(name);
  const versions = useVersions(name);

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
      <h1 id="prompt-title">{name}</h1>
      <p className="hint">
        {prompt.data.type} prompt{prompt.data.description ? ` — ${prompt.data.description}` : ""}
      </p>
      <DraftPanel key={prompt.data.draftUpdatedAt} name={name} detail={prompt.data} />
      <EnvironmentsPanel name={name} labels={prompt.data.labels} versions={numbers} />
      <DiffPanel key={numbers[0]} name={name} versions={versions.data.items} />
      <DashboardPanel name={name} />
      <section aria-labelledby="versions-title">
        <h2 id="versions-title">Versions</h2>
        {numbers.length === 0 ? (
          <p className="empty">Nothing published yet.</p>
        ) : (
          <ScrollRegion label="Versions list">
            <table>
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col">Bump</th>
                  <th scope="col">Message</th>
                  <th scope="col">Author</th>
                  <th scope="col">Published</th>
                  <th scope="col">Labels</th>
                </tr>
              </thead>
              <tbody>
                {versions.data.items.map((v) => (
                  <tr key={v.version}>
                    <td>
                      v{v.version} ({v.semver})
                    </td>
                    <td>{v.bump ?? "first"}</td>
                    <td>{v.commitMessage}</td>
                    <td>{actorName(v.author)}</td>
                    <td>
                      <time dateTime={v.createdAt}>{new Date(v.createdAt).toLocaleString()}</time>
                    </td>
                    <td>{v.labels.join(", ")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
        )}
      </section>
    </article>
  );
}
