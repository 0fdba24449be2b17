import { MergeView } from "@codemirror/merge";
import { EditorState } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import type { PromptContent, PromptVersion } from "@promptline/core";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { api } from "../client.js";
import { highlightVariables } from "../editor/CodeEditor.js";

/** A version as the text people compare: each message under its role, then the settings. */
function asText(content: PromptContent): string {
  const body =
    content.type === "chat"
      ? content.messages
          .map((m) => ("role" in m ? `## ${m.role}\n${m.content}` : `## {{> ${m.name}}} (history)`))
          .join("\n\n")
      : content.text;
  const { variables, config, constraints } = content;
  return `${body}\n\n## settings\n${JSON.stringify({ variables, config, constraints }, null, 2)}\n`;
}

function SideBySide({ from, to }: { from: string; to: string }) {
  const host = useRef<HTMLElement>(null);
  useEffect(() => {
    if (!host.current) return;
    const readOnly = [
      EditorState.readOnly.of(true),
      EditorView.editable.of(false),
      EditorView.lineWrapping,
      highlightVariables,
    ];
    const view = new MergeView({
      a: { doc: from, extensions: readOnly },
      b: { doc: to, extensions: readOnly },
      parent: host.current,
      highlightChanges: true,
    });
    return () => view.destroy();
  }, [from, to]);
  return <figure className="merge" ref={host} aria-label="Side-by-side diff" />;
}

/** Any two versions side by side, with word-level highlights and the list of changed fields. */
export function DiffPanel({ name, versions }: { name: string; versions: PromptVersion[] }) {
  const [from, setFrom] = useState(versions[1]?.version ?? versions[0]?.version);
  const [to, setTo] = useState(versions[0]?.version);
  const diff = useQuery({
    queryKey: ["prompt", name, "diff", from, to],
    queryFn: () => api.versions.diff(name, { from: String(from), to: String(to) }),
    enabled: from !== undefined && to !== undefined,
  });
  if (versions.length < 2) {
    return (
      <section aria-labelledby="diff-title">
        <h2 id="diff-title">Compare versions</h2>
        <p className="empty">
          {versions.length === 0 ? "Nothing is published yet" : "Only one version is published"}:
          publish another to compare two side by side.
        </p>
      </section>
    );
  }
  const content = (n: number | undefined) => versions.find((v) => v.version === n)?.content;
  const a = content(from);
  const b = content(to);

  const picker = (label: string, value: number | undefined, set: (n: number) => void) => (
    <label>
      {label}{" "}
      <select value={value} onChange={(e) => set(Number(e.target.value))}>
        {versions.map((v) => (
          <option key={v.version} value={v.version}>
            v{v.version} ({v.semver})
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <section aria-labelledby="diff-title">
      <h2 id="diff-title">Compare versions</h2>
      <p>
        {picker("From", from, setFrom)} {picker("To", to, setTo)}
      </p>
      {diff.isError && (
        <p role="alert" className="error">
          {diff.error.message}
        </p>
      )}
      {diff.data && (
        <>
          {diff.data.identical ? (
            <p className="hint">The two versions are identical.</p>
          ) : (
            <ul aria-label="Changed fields">
              {diff.data.changes.map((change) => (
                <li key={`${change.path}-${change.kind}`}>
                  {change.path}: {change.kind}
                </li>
              ))}
            </ul>
          )}
          {a && b && <SideBySide from={asText(a)} to={asText(b)} />}
        </>
      )}
    </section>
  );
}
