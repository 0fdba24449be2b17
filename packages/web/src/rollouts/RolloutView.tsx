import {
  Alert,
  Anchor,
  Badge,
  Group,
  List,
  Paper,
  Progress,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { ApiError } from "@promptline/client";
import { labelMoveRefusal, type RolloutDetail } from "@promptline/core";
import { Link } from "react-router";
import { actorName } from "../actors.js";
import { Ago } from "../ago.js";
import { Loading } from "../Loading.js";
import { useEnvironments } from "../prompt/queries.js";
import { ScrollRegion } from "../ScrollRegion.js";
import { useSession } from "../session/session.js";
import { GuardrailCard } from "./GuardrailCard.js";
import { percentText } from "./percent.js";
import { useRollout } from "./queries.js";
import { RolloutActions } from "./RolloutActions.js";
import {
  decisionTitle,
  isActive,
  STATUS_COLOURS,
  STATUS_WORDS,
  stepsOf,
  trafficRows,
} from "./rolloutText.js";
import { ruleInWords } from "./targetingForm.js";

const SHARE_COLOURS = ["orange", "teal", "grape", "cyan"];

/** Who is served what now: each version's share of everyone the rules do not catch. */
function Shares({ rollout }: { rollout: RolloutDetail }) {
  const colour = (version: number) =>
    version === rollout.control
      ? "blue"
      : (SHARE_COLOURS[rollout.candidates.indexOf(version) % SHARE_COLOURS.length] ?? "orange");
  const name = (version: number) =>
    version === rollout.control ? `v${version} (control)` : `v${version}`;
  return (
    <Stack gap={6}>
      <Progress.Root size="xl" aria-hidden>
        {rollout.split.map((v) => (
          <Progress.Section key={v.version} value={v.weight / 100} color={colour(v.version)} />
        ))}
      </Progress.Root>
      <Group
        gap="md"
        component="ul"
        p={0}
        m={0}
        style={{ listStyle: "none" }}
        aria-label="Shares now"
      >
        {rollout.split.map((v) => (
          <Group component="li" key={v.version} gap={6}>
            <Badge color={colour(v.version)} variant="filled" size="xs" circle aria-hidden>
              {" "}
            </Badge>
            <Text size="sm">
              {name(v.version)}: <strong>{percentText(v.weight)}</strong>
            </Text>
          </Group>
        ))}
      </Group>
    </Stack>
  );
}

/** A canary's steps: which are behind, which is held now (for how long), which are ahead. */
function Steps({ rollout, now }: { rollout: RolloutDetail; now: number }) {
  const steps = stepsOf(rollout, now);
  if (steps.length === 0) return null;
  return (
    <Stack
      component="ol"
      gap={4}
      p={0}
      m={0}
      style={{ listStyle: "none" }}
      aria-label="Canary steps"
    >
      {steps.map((s) => (
        <Group
          component="li"
          key={s.index}
          gap="xs"
          aria-current={s.state === "current" ? "step" : undefined}
        >
          <Badge
            variant={s.state === "current" ? "filled" : "light"}
            color={s.state === "next" ? "gray" : "blue"}
            tt="none"
            w={84}
          >
            {s.state === "done" ? "✓ " : ""}step {s.index + 1}
          </Badge>
          <Text size="sm" fw={s.state === "current" ? 700 : 400}>
            {percentText(s.weight)}
          </Text>
          <Text size="sm" c="dimmed">
            {s.state === "current"
              ? s.holdMinutes === 0
                ? "no hold"
                : `held ${Math.min(s.heldMinutes ?? 0, s.holdMinutes)} of ${s.holdMinutes} min`
              : s.holdMinutes === 0
                ? "no hold"
                : `held ${s.holdMinutes} min`}
          </Text>
        </Group>
      ))}
    </Stack>
  );
}

/** Calls per variant since the rollout started. */
function Traffic({ rollout }: { rollout: RolloutDetail }) {
  const rows = trafficRows(rollout);
  if (rows.every((r) => r.calls === 0)) {
    return (
      <Text size="sm" c="dimmed">
        No calls served by the rollout yet.
      </Text>
    );
  }
  return (
    <ScrollRegion label="Traffic per variant, scrollable">
      <Table aria-label="Traffic per variant" tabularNums style={{ whiteSpace: "nowrap" }}>
        <Table.Thead>
          <Table.Tr>
            {["Variant", "Calls", "Share of calls", "Errors", "Error rate"].map((h, i) => (
              <Table.Th key={h} scope="col" ta={i === 0 ? "left" : "right"}>
                {h}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={`${r.variant}-${r.version}`}>
              <Table.Td fw={600}>
                {r.variant} v{r.version}
              </Table.Td>
              <Table.Td ta="right">{r.calls}</Table.Td>
              <Table.Td ta="right">{percentText(r.share)}</Table.Td>
              <Table.Td ta="right">{r.errors}</Table.Td>
              <Table.Td ta="right">
                {r.errorRate === null ? "—" : `${(r.errorRate * 100).toFixed(1)} %`}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollRegion>
  );
}

/** Every decision taken on the rollout, newest first: what, by whom (or the monitor), and why. */
function Decisions({ rollout }: { rollout: RolloutDetail }) {
  const decisions = [...rollout.decisions].sort(
    (a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.id - a.id,
  );
  return (
    <Stack component="ol" gap="xs" p={0} m={0} style={{ listStyle: "none" }} aria-label="Decisions">
      {decisions.map((d) => (
        <Paper component="li" key={d.id} withBorder p="sm">
          <Group gap="xs" wrap="wrap">
            <Text fw={600}>{decisionTitle(d, rollout)}</Text>
            {d.automatic ? (
              <Badge variant="light" color="violet" tt="none">
                automatic
              </Badge>
            ) : (
              <Text size="sm" c="dimmed">
                by {actorName(d.actor)}
              </Text>
            )}
            <Text size="sm" c="dimmed">
              <Ago at={d.createdAt} />
            </Text>
          </Group>
          {d.reason && (
            <Text size="sm" mt={4} style={{ overflowWrap: "anywhere" }}>
              {d.reason}
            </Text>
          )}
        </Paper>
      ))}
    </Stack>
  );
}

/**
 * One rollout, live: where it stands (status, shares, the canary's step), the traffic per variant,
 * each guardrail's difference with its interval over time, the decisions with their reasons, and
 * the buttons that change it. Asked for again every few seconds while it runs or is paused.
 */
export function RolloutView({
  name,
  id: asked,
  back,
}: {
  name: string;
  /** As typed in the address: anything but a number names no rollout. */
  id: string;
  back: string;
}) {
  const id = /^\d{1,9}$/.test(asked) ? Number(asked) : undefined;
  const rollout = useRollout(name, id);
  const environments = useEnvironments();
  const session = useSession();
  const backLink = (
    <Anchor component={Link} to={back} size="sm">
      ← Environments
    </Anchor>
  );
  if (id !== undefined && rollout.isPending) return <Loading what="the rollout" lines={6} />;
  if (!rollout.data) {
    const missing =
      id === undefined || (rollout.error instanceof ApiError && rollout.error.status === 404);
    return (
      <Stack gap="md">
        {backLink}
        <Alert
          color={missing ? "blue" : "red"}
          title={missing ? "Rollout not found" : "The rollout could not be loaded"}
        >
          {missing ? `${name} has no rollout ${asked}.` : rollout.error?.message}
        </Alert>
      </Stack>
    );
  }
  const r = rollout.data;
  const env = environments.data?.items.find((e) => e.name === r.environment);
  const role = session.data?.role;
  const refusal = role && env ? labelMoveRefusal({ role }, env) : undefined;
  const candidates = r.candidates.map((v) => `v${v}`).join(", ");
  return (
    <Stack component="section" aria-labelledby="rollout-title" gap="md">
      {backLink}
      <div>
        <Group gap="sm" align="center">
          <Title order={2} id="rollout-title" style={{ overflowWrap: "anywhere" }}>
            Rollout on {r.environment}: v{r.control} → {candidates}
          </Title>
          <Badge size="lg" variant="light" color={STATUS_COLOURS[r.status]} tt="none">
            {STATUS_WORDS[r.status]}
          </Badge>
        </Group>
        <Text size="sm" c="dimmed">
          A {r.strategy} by {r.unit}, started by {actorName(r.startedBy)} <Ago at={r.startedAt} />
          {r.reason ? `: “${r.reason}”` : ""}
        </Text>
        {r.endedAt && (
          <Text size="sm" mt={4}>
            {STATUS_WORDS[r.status][0]?.toUpperCase()}
            {STATUS_WORDS[r.status].slice(1)} by {actorName(r.endedBy ?? "?")}{" "}
            <Ago at={r.endedAt} />
            {r.endReason ? `: ${r.endReason}` : ""}
          </Text>
        )}
        {isActive(r.status) && (
          <Text size="xs" c="dimmed" mt={4}>
            Live: refreshes by itself every few seconds.
          </Text>
        )}
      </div>
      <RolloutActions rollout={r} protectedEnvironment={env?.protected ?? true} refusal={refusal} />
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Paper withBorder p="md">
          <Stack gap="sm">
            <Title order={3} size="h4">
              {r.canary ? `Step ${r.canary.step + 1} of ${r.canary.steps.length}` : "Shares"}
            </Title>
            <Shares rollout={r} />
            <Steps rollout={r} now={rollout.dataUpdatedAt} />
            {r.rules.length > 0 && (
              <>
                <Text size="sm" fw={500}>
                  Targeting rules, tried first
                </Text>
                <List size="sm" type="ordered" style={{ overflowWrap: "anywhere" }}>
                  {r.rules.map((rule, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: rules are positions in the rollout
                    <List.Item key={i}>{ruleInWords(rule)}</List.Item>
                  ))}
                </List>
              </>
            )}
          </Stack>
        </Paper>
        <Paper withBorder p="md">
          <Stack gap="sm">
            <Title order={3} size="h4">
              Traffic
            </Title>
            <Traffic rollout={r} />
          </Stack>
        </Paper>
      </SimpleGrid>
      <Title order={3}>Guardrails</Title>
      {r.guardrails.length === 0 ? (
        <Text size="sm" c="dimmed">
          No guardrails: nothing is watched.
        </Text>
      ) : (
        <Text size="sm" c="dimmed">
          On a breach the rollout is {r.onBreach === "rollback" ? "rolled back" : "paused"}; each
          arm needs {r.minSamples} observations before a verdict. The band is the difference's
          always-valid 95 % interval (candidate − control).
        </Text>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        {r.guardrails.flatMap((g) =>
          r.candidates.map((c) => (
            <GuardrailCard key={`${g.metric}-${c}`} detail={r} guardrail={g} candidate={c} />
          )),
        )}
      </SimpleGrid>
      <Title order={3}>Decisions</Title>
      <Decisions rollout={r} />
    </Stack>
  );
}
