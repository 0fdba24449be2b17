import { Badge, Group, Paper, Text } from "@mantine/core";
import type { PromptVersion } from "@promptline/core";
import { actorName } from "../actors.js";

const AGO = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

/** "3 days ago", "5 minutes ago", "now". */
export function ago(iso: string, now = Date.now()): string {
  const elapsed = now - Date.parse(iso);
  for (const [unit, ms] of UNITS) {
    if (elapsed >= ms) return AGO.format(-Math.floor(elapsed / ms), unit);
  }
  return "just now";
}

/** A time as "5 minutes ago", the full date and time on hover. */
export function Ago({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={new Date(iso).toLocaleString()}>
      {ago(iso)}
    </time>
  );
}

/** Production in the colour of what matters most; every other environment alike. */
export const environmentColour = (environment: string) =>
  environment === "production" ? "grape" : "blue";

/**
 * At a glance, what each environment serves: one small card per environment with the version,
 * its semver, who published it and when.
 */
export function ServingSummary({
  labels,
  versions,
}: {
  labels: Record<string, number>;
  versions: PromptVersion[];
}) {
  const served = Object.entries(labels).filter(([label]) => label !== "latest");
  if (served.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        Not deployed to any environment yet.
      </Text>
    );
  }
  return (
    <Group
      component="ul"
      aria-label="What each environment serves"
      gap="sm"
      p={0}
      m={0}
      style={{ listStyle: "none" }}
    >
      {served.map(([label, number]) => {
        const version = versions.find((v) => v.version === number);
        return (
          <Paper component="li" key={label} withBorder px="sm" py={6} maw="100%">
            <Group gap={8}>
              <Badge variant="light" color={environmentColour(label)} tt="none">
                {label}
              </Badge>{" "}
              <Text span fw={700}>
                v{number}
              </Text>
              {version && (
                <Text span size="xs" c="dimmed">
                  {" "}
                  {version.semver} · {actorName(version.author)} · <Ago iso={version.createdAt} />
                </Text>
              )}
            </Group>
          </Paper>
        );
      })}
    </Group>
  );
}
