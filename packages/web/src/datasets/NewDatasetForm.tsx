import { Alert, Button, Group, Modal, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { datasetNameSchema } from "@promptline/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useNavigate } from "react-router";
import { api } from "../client.js";
import { fieldErrors, sentence } from "../fieldErrors.js";
import { toastDone } from "../toast.js";
import { refreshDatasets, useDatasetWriter } from "./queries.js";

/** What a dataset name breaks, in the server's words, as it is typed ("" when it is fine or empty). */
export function datasetNameError(name: string): string | undefined {
  const typed = name.trim();
  if (!typed) return undefined;
  const check = datasetNameSchema.safeParse(typed);
  return check.success ? undefined : sentence(check.error.issues[0]?.message ?? "");
}

/**
 * A "New dataset" button and the form it opens: a name (folders with /) and a description; the
 * dataset opens once made. A key that may not write datasets sees the button off and why.
 */
export function NewDatasetForm({ folder }: { folder: string }) {
  const { mayWrite } = useDatasetWriter();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [opened, modal] = useDisclosure(false);
  const [name, setName] = useState(folder ? `${folder}/` : "");
  const [description, setDescription] = useState("");
  const create = useMutation({
    mutationFn: () => api.datasets.create({ name: name.trim(), description: description.trim() }),
    onSuccess: async (dataset) => {
      await refreshDatasets(queryClient);
      toastDone(`Created ${dataset.name}: add cases or import a file.`);
      navigate(`/datasets/${dataset.name}`);
    },
  });
  const refused = create.isError ? fieldErrors(create.error) : undefined;
  const nameError = datasetNameError(name) ?? refused?.fields.name;
  const other = refused?.general;

  if (!mayWrite) {
    return (
      <Stack gap={2} align="flex-end">
        <Button disabled>New dataset</Button>
        <Text size="xs" c="dimmed">
          Creating datasets needs an editor or admin key.
        </Text>
      </Stack>
    );
  }
  return (
    <>
      <Button onClick={modal.open}>New dataset</Button>
      <Modal opened={opened} onClose={modal.close} title="New dataset" size="lg" centered>
        <form
          aria-label="New dataset"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate();
          }}
        >
          <Stack gap="sm">
            <TextInput
              id="new-dataset-name"
              label="Name (folders with /)"
              description="Slashes make folders: support/refunds lives in support."
              placeholder="support/refunds"
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              error={nameError}
              required
              data-autofocus
            />
            <Textarea
              label="Description"
              description="What the cases test, so others know when to use it."
              value={description}
              onChange={(e) => setDescription(e.currentTarget.value)}
              error={refused?.fields.description}
              autosize
              minRows={2}
              maxLength={2000}
            />
            {other && (
              <Alert color="red" variant="light" p="sm">
                {other}
              </Alert>
            )}
            <Group justify="flex-end" mt="xs">
              <Button variant="default" onClick={modal.close}>
                Cancel
              </Button>
              <Button
                type="submit"
                loading={create.isPending}
                disabled={!name.trim() || Boolean(datasetNameError(name))}
              >
                Create dataset
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
