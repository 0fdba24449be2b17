import { Select, TextInput } from "@mantine/core";
import { can, promptNameSchema } from "@promptline/core";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useNavigate } from "react-router";
import { CreateModal } from "../CreateModal.js";
import { api } from "../client.js";
import { fieldErrors, typedError } from "../fieldErrors.js";
import { useSession } from "../session/session.js";
import { toastDone } from "../toast.js";

/**
 * A "New prompt" button and the form it opens in a modal: creates a prompt with an empty draft
 * (in the folder being browsed, unless the name says otherwise) and opens it for editing.
 */
export function NewPromptForm({ folder }: { folder: string }) {
  const session = useSession();
  const mayWrite = session.data ? can(session.data, "prompt:write") : false;
  const navigate = useNavigate();
  const [name, setName] = useState(folder ? `${folder}/` : "");
  const [type, setType] = useState<"chat" | "text">("chat");
  const [description, setDescription] = useState("");
  const [tags, setTags] = useState("");
  const create = useMutation({
    mutationFn: () =>
      api.prompts.create({
        name: name.trim(),
        type,
        ...(description.trim() && { description: description.trim() }),
        tags: tags
          .split(",")
          .map((t) => t.trim())
          .filter(Boolean),
        draft:
          type === "chat"
            ? { type, messages: [{ role: "system", content: "" }] }
            : { type, text: "" },
      }),
    onSuccess: (prompt) => {
      toastDone(`Created ${prompt.name}: write its first draft.`);
      navigate(`/prompts/${prompt.name}`);
    },
  });
  // The name is judged as it is typed, by the rule the server applies, in the same words.
  const typedNameError = typedError(promptNameSchema, name);
  const refused = create.isError ? fieldErrors(create.error) : undefined;
  const nameError = typedNameError ?? refused?.fields.name;
  const otherErrors = refused
    ? [
        refused.general,
        ...Object.entries(refused.fields)
          .filter(([field]) => !["name", "description", "tags"].includes(field))
          .map(([field, message]) => `${field}: ${message}`),
      ]
        .filter(Boolean)
        .join(" ")
    : "";

  return (
    <CreateModal
      what="prompt"
      mayWrite={mayWrite}
      pending={create.isPending}
      ready={name.trim() !== "" && !typedNameError}
      error={otherErrors}
      onSubmit={() => create.mutate()}
    >
      <TextInput
        id="new-prompt-name"
        label="Name (folders with /)"
        description="Slashes make folders: support/refund-agent lives in support."
        value={name}
        onChange={(e) => setName(e.currentTarget.value)}
        placeholder="support/refund-agent"
        error={nameError}
        required
        data-autofocus
      />
      <Select
        label="Type"
        value={type}
        onChange={(value) => setType(value === "text" ? "text" : "chat")}
        allowDeselect={false}
        data={[
          { value: "chat", label: "chat (messages)" },
          { value: "text", label: "text" },
        ]}
      />
      <TextInput
        label="Description"
        value={description}
        onChange={(e) => setDescription(e.currentTarget.value)}
        error={refused?.fields.description}
      />
      <TextInput
        label="Tags (comma-separated)"
        placeholder="support, refunds"
        value={tags}
        onChange={(e) => setTags(e.currentTarget.value)}
        error={refused?.fields.tags}
      />
    </CreateModal>
  );
}
