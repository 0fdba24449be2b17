import { Anchor, Badge, Code, Group, Stack, Text } from "@mantine/core";
import type { DatasetCase } from "@promptline/core";
import { Link } from "react-router";
import { actorName } from "../actors.js";

/** A value as one line of text: strings as they are, anything else as JSON. */
export function asText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** A case in a few words, for the names of its buttons: its first variables' values. */
export function caseSummary(c: DatasetCase): string {
  const text = Object.values(c.input.variables).map(asText).join(", ");
  const short = text.length > 40 ? `${text.slice(0, 39)}…` : text;
  return short ? `“${short}”` : "with no variables";
}

/** A case's variables as compact `key: value` lines (each cut to two lines). */
export function CaseVariables({ value }: { value: DatasetCase }) {
  const entries = Object.entries(value.input.variables);
  const placeholders = Object.keys(value.input.placeholders ?? {});
  if (entries.length === 0 && placeholders.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        none
      </Text>
    );
  }
  return (
    <Stack gap={2}>
      {entries.map(([key, v]) => (
        <Text key={key} size="sm" lineClamp={2} style={{ overflowWrap: "anywhere" }}>
          <Text span inherit fw={600} ff="monospace">
            {key}:
          </Text>{" "}
          {asText(v)}
        </Text>
      ))}
      {placeholders.map((key) => (
        <Text key={key} size="xs" c="dimmed">
          {key}: {messageCount(value.input.placeholders?.[key]?.length ?? 0)}
        </Text>
      ))}
    </Stack>
  );
}

/** The reference output: text as text, JSON as code; "none" when the case has no reference. */
export function CaseExpected({ value }: { value: DatasetCase }) {
  if (value.expected === null || value.expected === undefined) {
    return (
      <Text size="sm" c="dimmed">
        none
      </Text>
    );
  }
  if (typeof value.expected === "string") {
    return (
      <Text size="sm" lineClamp={3} style={{ overflowWrap: "anywhere", whiteSpace: "pre-wrap" }}>
        {value.expected}
      </Text>
    );
  }
  return (
    <Code style={{ overflowWrap: "anywhere", whiteSpace: "pre-wrap" }}>
      {JSON.stringify(value.expected)}
    </Code>
  );
}

/** A case's tags as badges. */
export function CaseTags({ value }: { value: DatasetCase }) {
  if (value.tags.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  }
  return (
    <Group gap={4}>
      {value.tags.map((tag) => (
        <Badge key={tag} variant="light" size="sm" tt="none" miw="max-content">
          {tag}
        </Badge>
      ))}
    </Group>
  );
}

/** Where a case came from: a link to its production trace, the file it was imported from, or who added it. */
export function CaseSource({ value }: { value: DatasetCase }) {
  const { kind, ref } = value.source;
  if (kind === "trace" && ref) {
    return (
      <Anchor component={Link} to={`/traces/${encodeURIComponent(ref)}`} size="sm">
        trace {ref.length > 14 ? `${ref.slice(0, 13)}…` : ref}
      </Anchor>
    );
  }
  return (
    <Text size="sm" style={{ overflowWrap: "anywhere" }}>
      {kind === "import"
        ? `imported${ref ? ` from ${ref}` : ""}`
        : `added by ${actorName(ref ?? value.createdBy)}`}
    </Text>
  );
}

/** "1 message", "3 messages". */
function messageCount(n: number): string {
  return `${n} ${n === 1 ? "message" : "messages"}`;
}
