import { Alert, Button, Group, Modal, Select, Stack, Text, TextInput } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { can, promptNameSchema } from "@promptline/core";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useNavigate } from "react-router";
import { api } from "../client.js";
import { fieldErrors, sentence } from "../fieldErrors.js";
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
  const [opened, modal] = useDisclosure(false);
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
  const typed = name.trim();
  const nameCheck = typed ? promptNameSchema.safeParse(typed) : undefined;
  const refused = create.isError ? fieldErrors(create.error) : undefined;
  const nameError =
    nameCheck && !nameCheck.success
      ? sentence(nameCheck.error.issues[0]?.message ?? "")
      : refused?.fields.name;
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
    <>
      {mayWrite ? (
        <Button onClick={modal.open}>New prompt</Button>
      ) : (
        <Stack gap={2} align="flex-end">
          <Button disabled>New prompt</Button>
          <Text size="xs" c="dimmed">
            Creating prompts needs an editor or admin key.
          </Text>
        </Stack>
      )}
      <Modal opened={opened} onClose={modal.close} title="New prompt" size="lg" centered>
        <form
          aria-label="New prompt"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate();
          }}
        >
          <Stack gap="sm">
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
            {otherErrors && (
              <Alert color="red" variant="light" p="sm">
                {otherErrors}
              </Alert>
            )}
            <Group justify="flex-end" mt="xs">
              <Button variant="default" onClick={modal.close}>
                Cancel
              </Button>
              <Button
                type="submit"
                loading={create.isPending}
                disabled={typed === "" || Boolean(nameCheck && !nameCheck.success)}
              >
                Create prompt
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
