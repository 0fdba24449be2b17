import {
  Alert,
  Button,
  Group,
  Modal,
  NumberInput,
  SegmentedControl,
  Select,
  Stack,
  TagsInput,
  Text,
  TextInput,
} from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { caseTagSchema, type TraceListQuery } from "@promptline/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "../client.js";
import { fieldErrors, sentence } from "../fieldErrors.js";
import { toastDone } from "../toast.js";
import { datasetNameError } from "./NewDatasetForm.js";
import { datasetKeys, refreshDatasets, useDatasetWriter } from "./queries.js";

/** The trace explorer's filter, without paging. */
export type TraceFilter = Omit<TraceListQuery, "limit" | "cursor">;

/** Which traces become cases: these, or every one the filter matches (at most a limit). */
export type TraceSelection = { traceIds: string[] } | { filter: TraceFilter };

const DEFAULT_LIMIT = 1000;
const MAX_LIMIT = 10_000;
/** Traces per request when counting what a filter matches. */
const COUNT_PAGE = 500;

/**
 * How many traces the filter matches, counting no further than `limit`: the list is paged
 * through (at most limit / 500 requests), as the explorer has no count of its own.
 */
async function countMatching(filter: TraceFilter, limit: number, signal: AbortSignal) {
  let counted = 0;
  let cursor: string | undefined;
  for (let page = 0; page < Math.ceil(limit / COUNT_PAGE); page++) {
    const list = await api.traces.list(
      { ...filter, limit: COUNT_PAGE, ...(cursor && { cursor }) },
      { signal },
    );
    counted += list.items.length;
    cursor = list.nextCursor ?? undefined;
    if (!cursor) break;
  }
  return { count: Math.min(counted, limit), more: counted > limit || cursor !== undefined };
}

/** What the filter will add, in words. */
function countText(count: number, more: boolean): string {
  if (count === 0) return "No trace matches the filter.";
  const cases = `${count.toLocaleString()} ${count === 1 ? "case" : "cases"}`;
  return more
    ? `More traces match than the limit: the newest ${cases} will be added.`
    : `${count.toLocaleString()} ${count === 1 ? "trace matches" : "traces match"}: ${cases} will be added.`;
}

/** The dataset picker: the project's datasets by name (the first 500). */
function useDatasetNames(enabled: boolean) {
  const query = { limit: 500 };
  return useQuery({
    queryKey: datasetKeys.list(query),
    queryFn: ({ signal }) => api.datasets.list(query, { signal }),
    enabled,
  });
}

/**
 * "Add to dataset": turns one trace, or every trace the explorer's filter matches, into cases of
 * a dataset (picked, or made here): the trace's variables as input, its output as the reference
 * to correct, linked back to the trace. A key that may not write datasets is told why instead.
 */
export function AddToDataset({ selection, label }: { selection: TraceSelection; label: string }) {
  const { mayWrite } = useDatasetWriter();
  const queryClient = useQueryClient();
  const [opened, modal] = useDisclosure(false);
  const [target, setTarget] = useState<"existing" | "new">("existing");
  const [picked, setPicked] = useState<string | null>(null);
  const [newName, setNewName] = useState("");
  const [tags, setTags] = useState<string[]>([]);
  const [limit, setLimit] = useState(DEFAULT_LIMIT);
  const datasets = useDatasetNames(opened && mayWrite);
  const filter = "filter" in selection ? selection.filter : undefined;
  const matching = useQuery({
    queryKey: ["traces", "count", filter, limit],
    queryFn: ({ signal }) => countMatching(filter ?? {}, limit, signal),
    enabled: opened && filter !== undefined && limit >= 1,
  });
  const none = datasets.data?.items.length === 0;
  const mode = none ? "new" : target;
  const name = (mode === "new" ? newName : (picked ?? "")).trim();

  const add = useMutation({
    mutationFn: async () => {
      if (mode === "new") {
        await api.datasets.create({ name, description: "" });
        // Made: should adding fail, trying again adds to it rather than making it twice.
        setPicked(name);
        setTarget("existing");
        void refreshDatasets(queryClient);
      }
      return api.datasets.fromTraces(name, {
        ...("traceIds" in selection ? { traceIds: selection.traceIds } : { filter, limit }),
        tags,
      });
    },
    onSuccess: async (result) => {
      await refreshDatasets(queryClient);
      modal.close();
      toastDone(
        `Added ${result.added} ${result.added === 1 ? "case" : "cases"} to ${name}: saved as revision ${result.revision.revision}.`,
      );
    },
  });

  if (!mayWrite) {
    return (
      <Text size="sm" c="dimmed">
        Adding traces to a dataset needs an editor or admin key.
      </Text>
    );
  }
  const nameError = mode === "new" ? datasetNameError(newName) : undefined;
  const badTag = tags.find((t) => !caseTagSchema.safeParse(t).success);
  const refused = add.isError ? fieldErrors(add.error) : undefined;
  const count = matching.data?.count;
  const ready = name !== "" && !nameError && !badTag && (filter === undefined || (count ?? 0) > 0);

  return (
    <>
      <Button variant="light" onClick={modal.open}>
        {label}
      </Button>
      <Modal opened={opened} onClose={modal.close} title={label} size="lg" centered>
        <form
          aria-label={label}
          onSubmit={(e) => {
            e.preventDefault();
            if (ready) add.mutate();
          }}
        >
          <Stack gap="sm">
            <Text size="sm" c="dimmed">
              Each trace becomes a case: its variables as the input, its output as the expected
              output to check and correct, linked back to the trace.
            </Text>
            {!none && (
              <SegmentedControl
                value={mode}
                onChange={(value) => setTarget(value === "new" ? "new" : "existing")}
                aria-label="Add to"
                data={[
                  { value: "existing", label: "A dataset" },
                  { value: "new", label: "A new dataset" },
                ]}
              />
            )}
            {mode === "existing" ? (
              <Select
                id="add-to-dataset-name"
                label="Dataset"
                placeholder={datasets.isPending ? "Loading the datasets…" : "Pick a dataset"}
                data={(datasets.data?.items ?? []).map((d) => d.name)}
                value={picked}
                onChange={setPicked}
                searchable
                nothingFoundMessage="No dataset has that name"
                error={datasets.isError ? datasets.error.message : refused?.fields.name}
                required
              />
            ) : (
              <TextInput
                id="add-to-dataset-new-name"
                label="New dataset's name"
                description="Slashes make folders: support/refunds."
                placeholder="support/refunds"
                value={newName}
                onChange={(e) => setNewName(e.currentTarget.value)}
                error={nameError ?? refused?.fields.name}
                required
              />
            )}
            <TagsInput
              id="add-to-dataset-tags"
              label="Tags for the new cases"
              description="Press Enter after each: regression, thumbs-down…"
              value={tags}
              onChange={setTags}
              error={
                badTag
                  ? sentence(`“${badTag}”: a tag is one word, without spaces`)
                  : refused?.fields.tags
              }
              splitChars={[",", " "]}
              maxTags={50}
            />
            {filter !== undefined && (
              <Group align="flex-end" gap="sm">
                <NumberInput
                  label="At most"
                  description={`Newest first; up to ${MAX_LIMIT.toLocaleString()}.`}
                  value={limit}
                  onChange={(value) =>
                    setLimit(Math.min(MAX_LIMIT, Math.max(1, Number(value) || 1)))
                  }
                  min={1}
                  max={MAX_LIMIT}
                  step={100}
                  w={160}
                />
                <Text size="sm" role="status" pb={6}>
                  {matching.isPending
                    ? "Counting the matching traces…"
                    : matching.isError
                      ? `The traces could not be counted: ${matching.error.message}`
                      : countText(matching.data.count, matching.data.more)}
                </Text>
              </Group>
            )}
            {refused?.general && (
              <Alert color="red" variant="light" p="sm" role="alert">
                {refused.general}
              </Alert>
            )}
            <Group justify="flex-end" mt="xs">
              <Button variant="default" onClick={modal.close}>
                Cancel
              </Button>
              <Button type="submit" loading={add.isPending} disabled={!ready}>
                {filter === undefined
                  ? "Add to the dataset"
                  : `Add ${count ?? "…"} ${count === 1 ? "case" : "cases"}`}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
