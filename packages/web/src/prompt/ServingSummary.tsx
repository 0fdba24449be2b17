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

/** At a glance, what each environment serves: version, semver, who published it and when. */
export function ServingSummary({
  labels,
  versions,
}: {
  labels: Record<string, number>;
  versions: PromptVersion[];
}) {
  const served = Object.entries(labels).filter(([label]) => label !== "latest");
  if (served.length === 0) {
    return <p className="hint">Not deployed to any environment yet.</p>;
  }
  return (
    <ul className="serving" aria-label="What each environment serves">
      {served.map(([label, number]) => {
        const version = versions.find((v) => v.version === number);
        return (
          <li key={label}>
            <strong>{label}</strong> v{number}
            {version && (
              <span className="hint">
                {" "}
                {version.semver} · {actorName(version.author)} ·{" "}
                <time
                  dateTime={version.createdAt}
                  title={new Date(version.createdAt).toLocaleString()}
                >
                  {ago(version.createdAt)}
                </time>
              </span>
            )}
          </li>
        );
      })}
    </ul>
  );
}
