import { Textarea, TextInput } from "@mantine/core";
import { datasetNameSchema } from "@promptline/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useNavigate } from "react-router";
import { CreateModal } from "../CreateModal.js";
import { api } from "../client.js";
import { fieldErrors, typedError } from "../fieldErrors.js";
import { toastDone } from "../toast.js";
import { refreshDatasets, useDatasetWriter } from "./queries.js";

/** What a dataset name breaks, in the server's words, as it is typed (undefined when fine or empty). */
export const datasetNameError = (name: string) => typedError(datasetNameSchema, name);

/**
 * A "New dataset" button and the form it opens: a name (folders with /) and a description; the
 * dataset opens once made. A key that may not write datasets sees the button off and why.
 */
export function NewDatasetForm({ folder }: { folder: string }) {
  const { mayWrite } = useDatasetWriter();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
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

  return (
    <CreateModal
      what="dataset"
      mayWrite={mayWrite}
      pending={create.isPending}
      ready={Boolean(name.trim()) && !datasetNameError(name)}
      error={refused?.general}
      onSubmit={() => create.mutate()}
    >
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
    </CreateModal>
  );
}
