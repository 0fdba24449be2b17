import {
  Alert,
  Anchor,
  Badge,
  Code,
  DataList,
  Group,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from "@mantine/core";
import type { TraceDetail } from "@promptline/core";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Link, useParams } from "react-router";
import { api } from "../client.js";
import { AddToDataset } from "../datasets/AddToDataset.js";
import { Loading } from "../Loading.js";
import { money } from "../money.js";
import { usePageTitle } from "../title.js";
import { TraceFeedback } from "./TraceFeedback.js";

/** Each role's badge colour in a transcript (shades whose light badges keep a 4.5:1 contrast). */
const ROLE_COLORS: Record<string, string> = {
  system: "gray",
  user: "blue",
  assistant: "violet",
  tool: "pink",
};

/** Messages as people read them: role, then text (parts of multi-part content joined). */
function Messages({ value, label }: { value: unknown; label: string }) {
  const list = Array.isArray(value) ? value : value === null || value === undefined ? [] : [value];
  if (list.length === 0) return <Text c="dimmed">None recorded.</Text>;
  return (
    <Stack component="ol" aria-label={label} gap="sm" m={0} p={0} style={{ listStyle: "none" }}>
      {list.map((m, i) => {
        const message = m as { role?: string; content?: unknown };
        const role = message.role ?? "text";
        const text =
          typeof message.content === "string" ? message.content : typeof m === "string" ? m : null;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: a transcript's order is its identity
          <Paper component="li" key={i} withBorder p="sm">
            <Badge variant="light" color={ROLE_COLORS[role] ?? "gray"} mb="xs">
              {role}
            </Badge>
            {text === null ? (
              <Code block style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
                {JSON.stringify(message.content ?? m, null, 2)}
              </Code>
            ) : (
              <Text style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>{text}</Text>
            )}
          </Paper>
        );
      })}
    </Stack>
  );
}

/** A trace is named after the prompt version that made it, its id shown beside. */
function titleOf(trace: TraceDetail | undefined): string {
  const prompt = trace?.prompt;
  if (!prompt) return "Trace";
  return `${prompt.name}${prompt.version === null ? "" : ` v${prompt.version}`} — trace`;
}

/** Label/value pairs, the labels in the dimmed colour, long values wrapping. */
function Facts({ items }: { items: Array<[string, ReactNode]> }) {
  return (
    <DataList labelWidth="9rem">
      {items.map(([label, value]) => (
        <DataList.Item key={label}>
          <DataList.ItemLabel c="dimmed">{label}</DataList.ItemLabel>
          <DataList.ItemValue style={{ overflowWrap: "anywhere", minWidth: 0 }}>
            {value}
          </DataList.ItemValue>
        </DataList.Item>
      ))}
    </DataList>
  );
}

/** One call in full: what was sent and answered, usage, cost, latency, and its feedback. */
export function TracePage() {
  const id = useParams().id ?? "";
  const trace = useQuery({
    queryKey: ["trace", id],
    queryFn: () => api.traces.get(id),
  });
  const title = titleOf(trace.data);
  usePageTitle(title);

  if (trace.isPending) return <Loading what="the trace" lines={8} />;
  if (trace.isError) {
    return (
      <Alert color="red" title="The trace could not be loaded">
        {trace.error.message}
      </Alert>
    );
  }
  const t = trace.data;
  return (
    <Stack component="article" aria-labelledby="trace-title" gap="lg">
      <Anchor component={Link} to="/traces" size="sm">
        ← All traces
      </Anchor>
      <Group gap="sm" align="center" justify="space-between">
        <Group gap="sm" align="center">
          <Title order={1} id="trace-title" style={{ overflowWrap: "anywhere" }}>
            {title}
          </Title>
          <Badge variant="dot" color={t.status === "error" ? "red" : "green"} size="lg">
            {t.status}
          </Badge>
          {t.origin === "playground" && (
            <Badge variant="light" color="grape">
              playground
            </Badge>
          )}
        </Group>
        <AddToDataset selection={{ traceIds: [t.id] }} label="Add to dataset" />
      </Group>
      <Paper component="section" aria-label="Facts" withBorder p="md">
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xl" verticalSpacing="sm">
          <Facts
            items={[
              ["Trace id", <Code key="id">{t.id}</Code>],
              [
                "Started",
                <time key="started" dateTime={t.startTime}>
                  {new Date(t.startTime).toLocaleString()}
                </time>,
              ],
              ["Origin", t.origin === "playground" ? "the playground" : "an application"],
              [
                "Prompt",
                t.prompt ? (
                  <Anchor
                    key="prompt"
                    component={Link}
                    to={`/prompts/${t.prompt.name}${t.prompt.version == null ? "" : `?tab=versions&version=${t.prompt.version}`}`}
                  >
                    {`${t.prompt.name} v${t.prompt.version ?? "?"}${t.prompt.label ? ` (${t.prompt.label})` : ""}`}
                  </Anchor>
                ) : (
                  "—"
                ),
              ],
              ["Model", `${t.model ?? "—"} via ${t.provider ?? "—"}`],
              ["User / session", `${t.userId ?? "—"} / ${t.sessionId ?? "—"}`],
            ]}
          />
          <Facts
            items={[
              [
                "Status",
                <Text
                  key="status"
                  span
                  inherit
                  style={
                    t.status === "error" ? { color: "var(--mantine-color-red-text)" } : undefined
                  }
                >
                  {t.status}
                  {t.error ? `: ${t.error}` : ""}
                </Text>,
              ],
              [
                "Latency",
                `${t.latencyMs === null ? "—" : `${Math.round(t.latencyMs)} ms`}${t.timeToFirstTokenMs === null ? "" : ` (first token ${Math.round(t.timeToFirstTokenMs)} ms)`}`,
              ],
              ["Tokens", `${t.usage.inputTokens ?? "—"} in, ${t.usage.outputTokens ?? "—"} out`],
              ["Cost", money(t.cost)],
            ]}
          />
        </SimpleGrid>
      </Paper>
      <section aria-labelledby="trace-input">
        <Title order={2} id="trace-input" size="h3" mb="sm">
          Input
        </Title>
        <Messages value={t.input} label="Input messages" />
      </section>
      <section aria-labelledby="trace-output">
        <Title order={2} id="trace-output" size="h3" mb="sm">
          Output
        </Title>
        <Messages value={t.output} label="Output" />
      </section>
      <section aria-labelledby="trace-feedback">
        <Title order={2} id="trace-feedback" size="h3" mb="sm">
          Feedback and scores
        </Title>
        <TraceFeedback id={t.id} scores={t.scores} />
      </section>
    </Stack>
  );
}
