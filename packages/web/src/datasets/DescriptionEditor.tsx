import { Button, Group, Stack, Text, Textarea } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "../client.js";
import { fieldErrors } from "../fieldErrors.js";
import { toastDone } from "../toast.js";
import { refreshDatasets } from "./queries.js";

/**
 * A dataset's description, and for a key that may write datasets an Edit button that turns it
 * into a field saved on its own (a description is not a revision: the cases do not change).
 */
export function DescriptionEditor({
  name,
  description,
  mayWrite,
}: {
  name: string;
  description: string;
  mayWrite: boolean;
}) {
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (text: string) => api.datasets.update(name, { description: text }),
    onSuccess: async () => {
      await refreshDatasets(queryClient);
      setEditing(null);
      toastDone("The description is saved.");
    },
  });
  if (editing === null) {
    return (
      <Group gap="xs" align="flex-start" wrap="nowrap">
        <Text c="dimmed" style={{ overflowWrap: "anywhere", whiteSpace: "pre-wrap" }}>
          {description || "No description yet."}
        </Text>
        {mayWrite && (
          <Button
            variant="subtle"
            size="compact-sm"
            onClick={() => setEditing(description)}
            aria-label="Edit the description"
            style={{ flexShrink: 0 }}
          >
            Edit
          </Button>
        )}
      </Group>
    );
  }
  const refused = save.isError ? fieldErrors(save.error) : undefined;
  return (
    <form
      aria-label="Edit the description"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(editing.trim());
      }}
    >
      <Stack gap="xs" maw={640}>
        <Textarea
          id="dataset-description"
          label="Description"
          value={editing}
          onChange={(e) => setEditing(e.currentTarget.value)}
          error={refused ? (refused.fields.description ?? refused.general) : undefined}
          autosize
          minRows={2}
          maxLength={2000}
          data-autofocus
        />
        <Group gap="xs">
          <Button type="submit" size="xs" loading={save.isPending}>
            Save description
          </Button>
          <Button size="xs" variant="default" onClick={() => setEditing(null)}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
