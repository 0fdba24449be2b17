import type { PromptContent, PromptVersion } from "@promptline/core";
import { Link } from "react-router";
import { actorName } from "../actors.js";
import { ScrollRegion } from "../ScrollRegion.js";

/** A version's content, read-only: each message with its role, or the text. */
function ContentView({ content }: { content: PromptContent }) {
  if (content.type === "text") return <pre className="content">{content.text}</pre>;
  return (
    <ol className="transcript" aria-label="Messages">
      {content.messages.map((message, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: messages are positions in the prompt
        <li key={index}>
          {"role" in message ? (
            <>
              <strong>{message.role}</strong>
              <pre>{message.content}</pre>
            </>
          ) : (
            <em>placeholder: {message.name}</em>
          )}
        </li>
      ))}
    </ol>
  );
}

/** One published version, as it was frozen: its metadata and its content. */
function VersionView({ version, back }: { version: PromptVersion; back: string }) {
  return (
    <section aria-labelledby="version-title">
      <h2 id="version-title">
        v{version.version} ({version.semver})
      </h2>
      <p>
        <Link to={back}>All versions</Link>
      </p>
      <dl className="facts">
        <dt>Message</dt>
        <dd>{version.commitMessage}</dd>
        <dt>Author</dt>
        <dd>{actorName(version.author)}</dd>
        <dt>Published</dt>
        <dd>{new Date(version.createdAt).toLocaleString()}</dd>
        <dt>Bump</dt>
        <dd>{version.bump ?? "first version"}</dd>
        <dt>Labels</dt>
        <dd>{version.labels.join(", ") || "—"}</dd>
        <dt>Variables</dt>
        <dd>{version.variables.join(", ") || "none"}</dd>
        <dt>Content hash</dt>
        <dd>
          <code>{version.contentHash}</code>
        </dd>
      </dl>
      <h3>Content</h3>
      <ContentView content={version.content} />
      {version.content.config && Object.keys(version.content.config).length > 0 && (
        <>
          <h3>Model config</h3>
          <pre className="content">{JSON.stringify(version.content.config, null, 2)}</pre>
        </>
      )}
    </section>
  );
}

/** Every published version, newest first; one opens read-only with all it was published with. */
export function VersionsPanel({
  versions,
  open,
  linkTo,
}: {
  versions: PromptVersion[];
  /** The version shown, if one is. */
  open: number | undefined;
  /** The address of the list (no version) or of one version. */
  linkTo: (version?: number) => string;
}) {
  const shown = open === undefined ? undefined : versions.find((v) => v.version === open);
  if (shown) return <VersionView version={shown} back={linkTo()} />;
  return (
    <section aria-labelledby="versions-title">
      <h2 id="versions-title">Versions</h2>
      {open !== undefined && (
        <p role="alert" className="error">
          There is no version {open}: these are the published ones.
        </p>
      )}
      {versions.length === 0 ? (
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
              {versions.map((v) => (
                <tr key={v.version}>
                  <td>
                    <Link to={linkTo(v.version)}>
                      v{v.version} ({v.semver})
                    </Link>
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
  );
}
