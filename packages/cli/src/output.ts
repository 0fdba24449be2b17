import Table from "cli-table3";

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

/** Human-readable by default, the API's JSON as it is with --json. */
export function emit(io: Io, json: boolean, data: unknown, human: () => string): void {
  io.stdout(json ? JSON.stringify(data, null, 2) : human());
}

export function table(
  head: string[],
  rows: Array<Array<string | number | null | undefined>>,
): string {
  const t = new Table({ head, style: { head: [], border: [] } });
  for (const row of rows)
    t.push(row.map((cell) => (cell === null || cell === undefined ? "—" : String(cell))));
  return t.toString();
}

export function labelsText(labels: Record<string, number>): string {
  return Object.entries(labels)
    .map(([label, version]) => `${label}=v${version}`)
    .join(" ");
}
