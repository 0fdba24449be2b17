import {
  Alert,
  Button,
  FileInput,
  Group,
  List,
  Paper,
  Progress,
  Select,
  Stack,
  Text,
  TextInput,
} from "@mantine/core";
import { ApiError, CASE_FILE_TYPES, datasetPath } from "@promptline/client";
import type { CaseFileFormat, ImportProblemDetails, ImportResult } from "@promptline/core";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { fieldErrors } from "../fieldErrors.js";
import { toastDone } from "../toast.js";
import { refreshDatasets } from "./queries.js";
import { type Upload, uploadFile } from "./upload.js";

/** A file's format by its name: `.csv` is CSV, `.jsonl`/`.ndjson`/`.json` JSON lines. */
export function formatOf(fileName: string): CaseFileFormat | null {
  const lower = fileName.toLowerCase();
  if (lower.endsWith(".csv")) return "csv";
  if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson") || lower.endsWith(".json")) {
    return "jsonl";
  }
  return null;
}

/** The bad lines of a refused import, when the refusal lists them. */
function badLinesOf(error: unknown): ImportProblemDetails | undefined {
  if (!(error instanceof ApiError) || error.status !== 422) return undefined;
  const details = error.details as Partial<ImportProblemDetails> | undefined;
  return Array.isArray(details?.errors)
    ? { errors: details.errors, errorCount: details.errorCount ?? details.errors.length }
    : undefined;
}

type State =
  | { step: "idle" }
  | { step: "sending"; fraction: number }
  | { step: "failed"; error: unknown };

/**
 * Importing a CSV or JSONL file of cases as one new revision: the file is sent as it is (the
 * server reads it as a stream), with a bar showing how much has gone. A file with bad lines is
 * refused whole; the lines are listed by number, and nothing changes.
 */
export function ImportPanel({ name, onDone }: { name: string; onDone: () => void }) {
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<CaseFileFormat | null>(null);
  const [message, setMessage] = useState("");
  const [state, setState] = useState<State>({ step: "idle" });
  const upload = useRef<Upload<ImportResult> | null>(null);
  useEffect(() => () => upload.current?.abort(), []);

  function pick(picked: File | null) {
    setFile(picked);
    setState({ step: "idle" });
    if (picked) setFormat(formatOf(picked.name) ?? format);
  }

  async function send() {
    if (!file || !format) return;
    setState({ step: "sending", fraction: 0 });
    upload.current = uploadFile<ImportResult>(
      datasetPath(name, "/import"),
      { format, fileName: file.name, ...(message.trim() && { message: message.trim() }) },
      file,
      CASE_FILE_TYPES[format],
      (fraction) => setState({ step: "sending", fraction }),
    );
    try {
      const result = await upload.current.done;
      await refreshDatasets(queryClient);
      toastDone(
        `Imported ${result.imported} ${result.imported === 1 ? "case" : "cases"} from ${file.name}: saved as revision ${result.revision.revision}.`,
      );
      setState({ step: "idle" });
      onDone();
    } catch (error) {
      if (error instanceof DOMException && error.name === "AbortError") {
        setState({ step: "idle" });
        return;
      }
      setState({ step: "failed", error });
    } finally {
      upload.current = null;
    }
  }

  const sending = state.step === "sending";
  const failed = state.step === "failed" ? state.error : undefined;
  const badLines = badLinesOf(failed);
  const refused = failed && !badLines ? fieldErrors(failed) : undefined;
  return (
    <Paper withBorder p="md">
      <form
        aria-label="Import cases"
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
      >
        <Stack gap="sm">
          <Text fw={600}>Import cases from a file</Text>
          <Text size="sm" c="dimmed">
            CSV: a header row, one column per variable, and optionally <b>expected</b>, <b>tags</b>,{" "}
            <b>metadata</b> and <b>placeholders</b> (JSON). JSONL: one case per line, e.g.{" "}
            {'{"variables": {"customer": "Ada"}, "expected": "…", "tags": ["edge"]}'}. The cases are
            added as one new revision; a file with a bad line adds nothing.
          </Text>
          <Group gap="sm" align="flex-start" grow preventGrowOverflow={false} wrap="wrap">
            <FileInput
              id="import-file"
              label="File"
              placeholder="Pick a .csv or .jsonl file"
              accept=".csv,.jsonl,.ndjson,.json,text/csv,application/x-ndjson"
              value={file}
              onChange={pick}
              clearable
              miw={220}
            />
            <Select
              id="import-format"
              label="Format"
              placeholder="pick one"
              value={format}
              onChange={(value) => setFormat(value === "csv" || value === "jsonl" ? value : null)}
              data={[
                { value: "csv", label: "CSV" },
                { value: "jsonl", label: "JSONL" },
              ]}
              error={file && !format ? "Say which format the file is in." : undefined}
              allowDeselect={false}
              miw={140}
            />
            <TextInput
              label="Message (optional)"
              placeholder="Where the cases come from"
              value={message}
              onChange={(e) => setMessage(e.currentTarget.value)}
              maxLength={500}
              miw={220}
            />
          </Group>
          {sending && (
            <Stack gap={4}>
              <Progress
                value={Math.round(state.fraction * 100)}
                aria-label={`Sending ${file?.name ?? "the file"}`}
                animated={state.fraction >= 1}
              />
              <Text size="xs" c="dimmed" role="status">
                {state.fraction >= 1
                  ? "Sent; the server is checking and adding the cases…"
                  : `Sending: ${Math.round(state.fraction * 100)} %`}
              </Text>
            </Stack>
          )}
          {badLines && (
            <Alert color="red" role="alert" title="Nothing was imported">
              <Text size="sm" mb="xs">
                {badLines.errorCount === 1
                  ? "One line of the file is wrong"
                  : `${badLines.errorCount} lines of the file are wrong`}
                {badLines.errorCount > badLines.errors.length
                  ? ` (the first ${badLines.errors.length} are listed)`
                  : ""}
                . Fix {badLines.errorCount === 1 ? "it" : "them"} and import the file again.
              </Text>
              <List size="sm" spacing={2} aria-label="Bad lines">
                {badLines.errors.map((bad) => (
                  <List.Item key={`${bad.line}:${bad.message}`}>
                    <b>Line {bad.line}:</b> {bad.message}
                  </List.Item>
                ))}
              </List>
            </Alert>
          )}
          {refused && (
            <Alert color="red" variant="light" role="alert" title="Nothing was imported">
              {refused.general ?? Object.values(refused.fields).join(" ")}
            </Alert>
          )}
          <Group gap="xs">
            <Button type="submit" loading={sending} disabled={!file || !format}>
              Import
            </Button>
            {sending ? (
              <Button variant="default" onClick={() => upload.current?.abort()}>
                Stop
              </Button>
            ) : (
              <Button variant="default" onClick={onDone}>
                Close
              </Button>
            )}
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
