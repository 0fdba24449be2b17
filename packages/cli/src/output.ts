import { createRequire } from "node:module";
import type { PromptContent } from "@promptline/core";

// cli-table3 loads with the first table, not with every command (a CommonJS package: required).
const require = createRequire(import.meta.url);

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Raw bytes to standard output (an exported file), resolved once they may be sent more. */
  write?: (chunk: Uint8Array) => Promise<void>;
  /** The terminal stderr is, when it is one: progress bars draw on it (none: nothing is drawn). */
  progress?: NodeJS.WriteStream | undefined;
  /** Asks the person at the terminal a yes/no question; absent when there is nobody to ask. */
  confirm?: ((question: string) => Promise<boolean>) | undefined;
}

/** Human-readable by default, the API's JSON as it is with --json. */
export function emit(io: Io, json: boolean, data: unknown, human: () => string): void {
  io.stdout(json ? JSON.stringify(data, null, 2) : human());
}

export function table(
  head: string[],
  rows: Array<Array<string | number | null | undefined>>,
): string {
  const Table: typeof import("cli-table3") = require("cli-table3");
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

/** A prompt's content as text; core's renderer (with zod and mustache) loads on first use. */
export async function contentText(content: PromptContent): Promise<string> {
  const { renderContent } = await import("@promptline/core");
  return renderContent(content);
}
