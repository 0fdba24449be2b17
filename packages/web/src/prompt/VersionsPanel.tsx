import {
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  DataList,
  Group,
  Paper,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import type { PromptContent, PromptVersion } from "@promptline/core";
import type { ReactNode } from "react";
import { Link } from "react-router";
import { actorName } from "../actors.js";
import { Ago } from "../ago.js";
import { EvaluationSummary, VersionEvaluations } from "../evaluations/VersionEvaluations.js";
import { RolloutShares } from "../rollouts/RolloutShares.js";
import { TableFrame } from "../ScrollRegion.js";
import { environmentColour } from "./ServingSummary.js";

/** Text that keeps its line breaks and wraps long lines instead of widening the page. */
const WRAPPED = { whiteSpace: "pre-wrap", overflowWrap: "anywhere" } as const;

/** The version an address names ("3", or "v3"), or undefined for anything else ("abc"). */
export function versionNumberOf(asked: string): number | undefined {
  const match = /^v?(\d{1,9})$/i.exec(asked.trim());
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** A version's labels, as badges. */
function Labels({ labels }: { labels: string[] }) {
  if (labels.length === 0) return <Text c="dimmed">—</Text>;
  return (
    <Group gap={4}>
      {labels.map((label) => (
        <Badge key={label} variant="light" tt="none" color={environmentColour(label)}>
          {label}
        </Badge>
      ))}
    </Group>
  );
}

/** A version's content, read-only: each message with its role, or the text. */
function ContentView({ content }: { content: PromptContent }) {
  if (content.type === "text") {
    return (
      <Code block style={WRAPPED}>
        {content.text}
      </Code>
    );
  }
  return (
    <Stack component="ol" aria-label="Messages" gap="sm" p={0} m={0} style={{ listStyle: "none" }}>
      {content.messages.map((message, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: messages are positions in the prompt
        <Paper component="li" key={index} withBorder p="sm">
          {"role" in message ? (
            <>
              <Badge variant="light" color="gray" tt="none" mb="xs">
                {message.role}
              </Badge>
              <Code block style={WRAPPED}>
                {message.content}
              </Code>
            </>
          ) : (
            <Text fs="italic" c="dimmed">
              placeholder: {message.name}
            </Text>
          )}
        </Paper>
      ))}
    </Stack>
  );
}

/** One published version, as it was frozen: its metadata, its content and its evaluations. */
function VersionView({ version, back }: { version: PromptVersion; back: string }) {
  const facts: Array<[string, ReactNode]> = [
    ["Message", version.commitMessage],
    ["Author", actorName(version.author)],
    ["Published", new Date(version.createdAt).toLocaleString()],
    ["Bump", version.bump ?? "first version"],
    ["Labels", <Labels key="labels" labels={version.labels} />],
    [
      "Rollouts",
      <RolloutShares
        key="rollouts"
        name={version.name}
        version={version.version}
        none="none running"
      />,
    ],
    ["Variables", version.variables.join(", ") || "none"],
    ["Content hash", <Code key="hash">{version.contentHash}</Code>],
  ];
  return (
    <Stack component="section" aria-labelledby="version-title" gap="md">
      <Anchor component={Link} to={back} size="sm">
        ← All versions
      </Anchor>
      <Title order={2} id="version-title">
        v{version.version} ({version.semver})
      </Title>
      <Paper withBorder p="md">
        <DataList labelWidth="8rem" style={{ overflowWrap: "anywhere" }}>
          {facts.map(([label, value]) => (
            <DataList.Item key={label}>
              <DataList.ItemLabel>{label}</DataList.ItemLabel>
              <DataList.ItemValue>{value}</DataList.ItemValue>
            </DataList.Item>
          ))}
        </DataList>
      </Paper>
      <VersionEvaluations name={version.name} version={version.version} />
      <Title order={3}>Content</Title>
      <ContentView content={version.content} />
      {version.content.config && Object.keys(version.content.config).length > 0 && (
        <>
          <Title order={3}>Model config</Title>
          <Code block style={WRAPPED}>
            {JSON.stringify(version.content.config, null, 2)}
          </Code>
        </>
      )}
    </Stack>
  );
}

/** Every published version, newest first; one opens read-only with all it was published with. */
export function VersionsPanel({
  versions,
  open,
  linkTo,
}: {
  versions: PromptVersion[];
  /** The version asked for in the address, as typed, if one is. */
  open: string | undefined;
  /** The address of the list (no version) or of one version. */
  linkTo: (version?: number) => string;
}) {
  if (open !== undefined) {
    const number = versionNumberOf(open);
    const shown = versions.find((v) => v.version === number);
    if (shown) return <VersionView version={shown} back={linkTo()} />;
    return (
      <Stack component="section" aria-labelledby="versions-title" gap="md">
        <Title order={2} id="versions-title">
          Versions
        </Title>
        <Alert color="blue" title="Version not found">
          There is no version {open} of this prompt.
        </Alert>
        <Button component={Link} to={linkTo()} variant="default" w="fit-content">
          See all {versions.length} published version{versions.length === 1 ? "" : "s"}
        </Button>
      </Stack>
    );
  }
  return (
    <Stack component="section" aria-labelledby="versions-title" gap="md">
      <Title order={2} id="versions-title">
        Versions
      </Title>
      {versions.length === 0 ? (
        <Paper withBorder p="xl">
          <Text c="dimmed" ta="center">
            Nothing published yet.
          </Text>
        </Paper>
      ) : (
        <TableFrame label="Versions, scrollable">
          <Table aria-label="Versions list" miw={900}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Version</Table.Th>
                <Table.Th scope="col">Message</Table.Th>
                <Table.Th scope="col">Author</Table.Th>
                <Table.Th scope="col">Published</Table.Th>
                <Table.Th scope="col">Bump</Table.Th>
                <Table.Th scope="col">Labels</Table.Th>
                <Table.Th scope="col">Evaluations</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {versions.map((v) => (
                <Table.Tr key={v.version}>
                  <Table.Td>
                    <Anchor component={Link} to={linkTo(v.version)} fw={600}>
                      v{v.version}{" "}
                      <Text span size="xs" c="dimmed">
                        ({v.semver})
                      </Text>
                    </Anchor>
                  </Table.Td>
                  <Table.Td style={{ overflowWrap: "anywhere" }}>{v.commitMessage}</Table.Td>
                  <Table.Td>{actorName(v.author)}</Table.Td>
                  <Table.Td>
                    <Ago at={v.createdAt} />
                  </Table.Td>
                  <Table.Td>{v.bump ?? "first"}</Table.Td>
                  <Table.Td>
                    <Labels labels={v.labels} />
                    <RolloutShares name={v.name} version={v.version} />
                  </Table.Td>
                  <Table.Td>
                    <EvaluationSummary evaluations={v.evaluations ?? []} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableFrame>
      )}
    </Stack>
  );
}
