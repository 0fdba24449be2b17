import { MergeView } from "@codemirror/merge";
import { EditorState } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { Alert, Badge, Group, List, NativeSelect, Paper, Stack, Text, Title } from "@mantine/core";
import type { ChangeKind, PromptContent, PromptVersion } from "@promptline/core";
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

const KIND_COLOURS: Record<ChangeKind, string> = {
  added: "green",
  removed: "red",
  changed: "blue",
};

/**
 * A changed field in the editor's words: `messages[0].content` is "message 1, content" (counted
 * from 1, as the editor counts), `config.temperature` is "config: temperature".
 */
export function fieldName(path: string): string {
  return path
    .replace(
      /^messages\[(\d+)\]\.?/,
      (_, index: string) =>
        `message ${Number(index) + 1}${path.length > `messages[${index}]`.length ? ", " : ""}`,
    )
    .replace(/^(config|variables|constraints)\./, "$1: ");
}

/** The two versions' text side by side, read-only, with the changed words highlighted. */
function SideBySide({
  from,
  to,
  fromLabel,
  toLabel,
}: {
  from: string;
  to: string;
  /** What each side is called for a screen reader ("v1, before"). */
  fromLabel: string;
  toLabel: string;
}) {
  const host = useRef<HTMLElement>(null);
  useEffect(() => {
    if (!host.current) return;
    const readOnly = (label: string) => [
      EditorState.readOnly.of(true),
      EditorView.editable.of(false),
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({ "aria-label": label }),
      highlightVariables,
    ];
    const view = new MergeView({
      a: { doc: from, extensions: readOnly(fromLabel) },
      b: { doc: to, extensions: readOnly(toLabel) },
      parent: host.current,
      highlightChanges: true,
    });
    return () => view.destroy();
  }, [from, to, fromLabel, toLabel]);
  return (
    <Paper
      component="figure"
      ref={host}
      aria-label="Side-by-side diff"
      withBorder
      m={0}
      style={{ overflowX: "auto" }}
    />
  );
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
      <Stack component="section" aria-labelledby="diff-title" gap="md">
        <Title order={2} id="diff-title">
          Compare versions
        </Title>
        <Paper withBorder p="xl">
          <Text c="dimmed" ta="center">
            {versions.length === 0 ? "Nothing is published yet" : "Only one version is published"}:
            publish another to compare two side by side.
          </Text>
        </Paper>
      </Stack>
    );
  }
  const content = (n: number | undefined) => versions.find((v) => v.version === n)?.content;
  const a = content(from);
  const b = content(to);

  const picker = (label: string, value: number | undefined, set: (n: number) => void) => (
    <NativeSelect
      label={label}
      value={value === undefined ? "" : String(value)}
      onChange={(e) => set(Number(e.currentTarget.value))}
      data={versions.map((v) => ({
        value: String(v.version),
        label: `v${v.version} (${v.semver})`,
      }))}
      w={180}
      maw="100%"
    />
  );

  return (
    <Stack component="section" aria-labelledby="diff-title" gap="md">
      <Title order={2} id="diff-title">
        Compare versions
      </Title>
      <Group gap="md" align="flex-end">
        {picker("From", from, setFrom)}
        {picker("To", to, setTo)}
      </Group>
      {diff.isError && (
        <Alert color="red" title="The two versions could not be compared">
          {diff.error.message}
        </Alert>
      )}
      {diff.data && (
        <>
          {diff.data.identical ? (
            <Text c="dimmed">The two versions are identical.</Text>
          ) : (
            <Group gap="xs" align="flex-start" wrap="nowrap">
              <Text size="sm" fw={500} style={{ flexShrink: 0 }}>
                Changed:
              </Text>
              <List
                aria-label="Changed fields"
                size="sm"
                listStyleType="none"
                style={{ display: "flex", flexWrap: "wrap", gap: 6 }}
              >
                {diff.data.changes.map((change) => (
                  <List.Item key={`${change.path}-${change.kind}`}>
                    <Badge variant="dot" color={KIND_COLOURS[change.kind]} tt="none" maw="100%">
                      {fieldName(change.path)}: {change.kind}
                    </Badge>
                  </List.Item>
                ))}
              </List>
            </Group>
          )}
          {a && b && (
            <SideBySide
              from={asText(a)}
              to={asText(b)}
              fromLabel={`v${from}, before`}
              toLabel={`v${to}, after`}
            />
          )}
        </>
      )}
    </Stack>
  );
}
