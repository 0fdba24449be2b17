/**
 * Shares as people type and read them (percentages) and as the API has them (basis points:
 * 500 = 5 %), and the keys that tell a form's repeated rows apart.
 */

/** Basis points as a percentage: 500 → "5 %", 1250 → "12.5 %". */
export const percentText = (basisPoints: number) => `${Math.round(basisPoints) / 100}\u00a0%`;

/** A typed number, or the text itself when it is not one (so the schema can say so). */
export function numberOf(value: string): number | string | undefined {
  const trimmed = value.trim().replace(",", ".");
  if (trimmed === "") return undefined;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : value.trim();
}

/** A typed percentage as basis points, or what is wrong with it. */
export function basisPointsOf(percent: string): number | { error: string } {
  const n = numberOf(percent);
  if (n === undefined) return { error: "Give a percentage." };
  if (typeof n === "string") return { error: "A percentage is a number, e.g. 5 or 12.5." };
  if (n < 0 || n > 100) return { error: "A percentage is between 0 and 100." };
  if (Math.abs(n * 100 - Math.round(n * 100)) > 1e-6) {
    return { error: "At most two decimals (12.25 %)." };
  }
  return Math.round(n * 100);
}

let made = 0;
/** A key for a new row of a form list, unique on the page. */
export function rowKey(kind: string): string {
  made += 1;
  return `${kind}-${made}`;
}
