import { Alert, Anchor, Button, Group, Paper, Select, Stack, Text, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { datasetPath } from "@promptline/client";
import { caseTagSchema, type Dataset, type DatasetCase, type ReviseBody } from "@promptline/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { type Confirmation, ConfirmDialog } from "../ConfirmDialog.js";
import { api, http } from "../client.js";
import { EmptyState } from "../EmptyState.js";
import { Loading } from "../Loading.js";
import { useCursorPages } from "../Pager.js";
import { toastDone, toastFailed } from "../toast.js";
import { type CaseDraft, CaseEditor } from "./CaseEditor.js";
import { caseSummary } from "./CaseFields.js";
import { CaseTable } from "./CaseTable.js";
import { ImportPanel } from "./ImportPanel.js";
import { refreshDatasets, useCases, useRevisions } from "./queries.js";

/** "Saved as revision 4." */
const saved = (revision: { revision: number }) => `Saved as revision ${revision.revision}.`;

/** The revision picker: the latest first, then the older ones with their messages. */
function RevisionPicker({
  dataset,
  shown,
  onPick,
}: {
  dataset: Dataset;
  shown: number | undefined;
  onPick: (revision: number | undefined) => void;
}) {
  const revisions = useRevisions(dataset.name);
  const older = (revisions.data?.items ?? []).filter((r) => r.revision !== dataset.latestRevision);
  const data = [
    { value: "latest", label: `Latest (revision ${dataset.latestRevision})` },
    ...older.map((r) => ({
      value: String(r.revision),
      label: `Revision ${r.revision}${r.message ? ` — ${r.message}` : ""}`,
    })),
  ];
  if (shown && !data.some((d) => d.value === String(shown))) {
    data.push({ value: String(shown), label: `Revision ${shown}` });
  }
  return (
    <Select
      label="Revision"
      data={data}
      value={shown ? String(shown) : "latest"}
      onChange={(value) => onPick(value && value !== "latest" ? Number(value) : undefined)}
      allowDeselect={false}
      w={{ base: "100%", sm: 260 }}
      comboboxProps={{ width: "max-content", position: "bottom-start" }}
    />
  );
}

/** CSV and JSONL downloads of the revision shown. */
function ExportLinks({ name, revision }: { name: string; revision: number | undefined }) {
  const href = (format: "csv" | "jsonl") =>
    http.url(datasetPath(name, "/export"), { format, revision });
  const which = revision ? `revision ${revision}` : "the latest revision";
  return (
    <Group gap="xs">
      <Button
        component="a"
        href={href("csv")}
        download
        variant="default"
        aria-label={`Export CSV of ${which}`}
      >
        Export CSV
      </Button>
      <Button
        component="a"
        href={href("jsonl")}
        download
        variant="default"
        aria-label={`Export JSONL of ${which}`}
      >
        Export JSONL
      </Button>
    </Group>
  );
}

/**
 * A dataset's cases at a revision (the latest unless one is picked; older ones read-only), with
 * a tag filter, paging, and for writers: edit in place, add, remove, import — each saved as a
 * new revision made against the one shown, so a change made meanwhile is never overwritten.
 */
export function CasesPanel({ dataset, mayWrite }: { dataset: Dataset; mayWrite: boolean }) {
  const name = dataset.name;
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const asked = Number(params.get("revision")) || undefined;
  // The latest, named by its number, is the latest: editable.
  const revision = asked === dataset.latestRevision ? undefined : asked;
  const [tagTyped, setTagTyped] = useState(params.get("tag") ?? "");
  const [tagDebounced] = useDebouncedValue(tagTyped.trim(), 300);
  const tagError =
    tagDebounced && !caseTagSchema.safeParse(tagDebounced).success
      ? "A tag is one word, without spaces."
      : undefined;
  const tag = tagError ? "" : tagDebounced;
  const pages = useCursorPages();
  const cases = useCases(name, { revision, tag, after: pages.cursor });
  const [editing, setEditing] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [importing, setImporting] = useState(false);
  const [removing, setRemoving] = useState<DatasetCase>();

  const writable = mayWrite && revision === undefined;
  /** The revision the cases shown are from: every change is made against it. */
  const base = cases.data?.revision ?? dataset.latestRevision;
  const change = (body: Omit<ReviseBody, "expectedRevision">) =>
    api.datasets.revise(name, { ...body, expectedRevision: base });
  const afterChange = async (revision: { revision: number }) => {
    await refreshDatasets(queryClient);
    toastDone(saved(revision));
  };
  const edit = useMutation({
    mutationFn: ({
      id,
      draft,
      input,
    }: {
      id: string;
      draft: CaseDraft;
      input: DatasetCase["input"];
    }) => change({ message: "Edited a case", update: [{ id, ...toWrite(draft, input) }] }),
    onSuccess: async (revision) => {
      setEditing(null);
      await afterChange(revision);
    },
  });
  const add = useMutation({
    mutationFn: (draft: CaseDraft) =>
      change({
        message: "Added a case",
        add: [
          {
            ...toWrite(draft),
            expected: draft.expected ?? undefined,
            metadata: {},
          },
        ],
      }),
    onSuccess: async (revision) => {
      setAdding(false);
      await afterChange(revision);
    },
  });
  const remove = useMutation({
    mutationFn: (c: DatasetCase) => change({ message: "Removed a case", remove: [c.id] }),
    onSuccess: afterChange,
    onError: (error) => toastFailed("The case was not removed", error),
  });
  const reload = (mutation: { reset: () => void }) => async () => {
    await refreshDatasets(queryClient);
    mutation.reset();
  };

  const setParam = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    pages.reset();
    setEditing(null);
    setParams(next, { replace: true });
  };
  const confirmation: Confirmation | undefined = removing && {
    title: "Remove this case?",
    text: `The case ${caseSummary(removing)} leaves the dataset in a new revision; older revisions keep it.`,
    action: "Remove the case",
    danger: true,
  };
  const items = cases.data?.items;

  return (
    <Stack gap="md">
      <Group gap="sm" align="flex-end" wrap="wrap">
        {dataset.latestRevision > 0 && (
          <RevisionPicker
            dataset={dataset}
            shown={revision}
            onPick={(picked) => setParam("revision", picked ? String(picked) : undefined)}
          />
        )}
        <TextInput
          label="Tag"
          placeholder="any tag"
          value={tagTyped}
          onChange={(e) => {
            setTagTyped(e.currentTarget.value);
            setParam("tag", e.currentTarget.value.trim() || undefined);
          }}
          error={tagError}
          w={{ base: "100%", sm: 160 }}
        />
        {writable && (
          <Group gap="xs">
            <Button onClick={() => setAdding(true)} disabled={adding}>
              Add a case
            </Button>
            <Button variant="light" onClick={() => setImporting(true)} disabled={importing}>
              Import a file
            </Button>
          </Group>
        )}
        {dataset.latestRevision > 0 && <ExportLinks name={name} revision={revision} />}
      </Group>
      {revision !== undefined && (
        <Alert
          color="blue"
          variant="light"
          title={`Revision ${revision} of ${dataset.latestRevision}`}
        >
          <Text size="sm" mb="xs">
            An older revision is read-only: it stays as it was, so runs made on it can be repeated.
            {mayWrite ? " Changes are made to the latest revision." : ""}
          </Text>
          <Button
            size="compact-sm"
            variant="default"
            onClick={() => setParam("revision", undefined)}
          >
            Show the latest revision
          </Button>
        </Alert>
      )}
      {importing && writable && <ImportPanel name={name} onDone={() => setImporting(false)} />}
      {adding && writable && (
        <Paper withBorder p="md">
          <CaseEditor
            title="New case"
            saveLabel="Add the case"
            saving={add.isPending}
            error={add.error}
            onSave={(draft) => add.mutate(draft)}
            onCancel={() => {
              setAdding(false);
              add.reset();
            }}
            onReload={reload(add)}
          />
        </Paper>
      )}
      {cases.isPending && <Loading what="the cases" lines={5} />}
      {cases.isError && (
        <Alert color="red" title="The cases could not be loaded">
          {cases.error.message}
        </Alert>
      )}
      {items && items.length === 0 && (
        <EmptyState title={tag ? `No case has the tag “${tag}”` : "No cases yet"}>
          {tag ? (
            "Clear the tag to see every case."
          ) : writable ? (
            <>
              Add a case, import a CSV or JSONL file, or pick production calls on the{" "}
              <Anchor component={Link} to="/traces" inherit>
                Traces
              </Anchor>{" "}
              screen and add them here.
            </>
          ) : (
            "An editor or admin can add cases, import a file or add production traces."
          )}
        </EmptyState>
      )}
      {items && items.length > 0 && (
        <div style={{ opacity: cases.isPlaceholderData ? 0.6 : 1 }}>
          <CaseTable
            cases={items}
            actions={
              writable
                ? {
                    editing,
                    onEdit: (c) => {
                      edit.reset();
                      setEditing(c.id);
                    },
                    onRemove: setRemoving,
                    editor: (c) => (
                      <CaseEditor
                        key={c.id}
                        initial={c}
                        title="Edit the case"
                        saveLabel="Save the case"
                        saving={edit.isPending}
                        error={edit.error}
                        onSave={(draft) => edit.mutate({ id: c.id, draft, input: c.input })}
                        onCancel={() => setEditing(null)}
                        onReload={reload(edit)}
                      />
                    ),
                  }
                : undefined
            }
          />
        </div>
      )}
      {pages.pager(cases.data?.nextCursor, ["Previous", "Next"])}
      <ConfirmDialog
        confirmation={confirmation}
        onCancel={() => setRemoving(undefined)}
        onConfirm={() => {
          if (removing) remove.mutate(removing);
          setRemoving(undefined);
        }}
      />
    </Stack>
  );
}

/**
 * The editor's fields as the API takes them: the variables into the case's input (its
 * placeholder messages kept), a reference of null removing it.
 */
function toWrite(draft: CaseDraft, input?: DatasetCase["input"]) {
  return {
    input: { ...input, variables: draft.variables },
    expected: draft.expected,
    tags: draft.tags,
  };
}
