import { promptNameSchema } from "@promptline/core";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useNavigate } from "react-router";
import { api } from "../client.js";
import { FieldError, invalidProps } from "../FieldError.js";
import { fieldErrors, sentence } from "../fieldErrors.js";

/** Creates a prompt with an empty draft and opens it for editing. */
export function NewPromptForm({ folder }: { folder: string }) {
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
    onSuccess: (prompt) => navigate(`/prompts/${prompt.name}`),
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
          .filter(([field]) => field !== "name")
          .map(([field, message]) => `${field}: ${message}`),
      ]
        .filter(Boolean)
        .join(" ")
    : "";

  return (
    <details className="new-prompt">
      <summary>New prompt</summary>
      <form
        aria-label="New prompt"
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <label>
          Name (folders with /)
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="support/refund-agent"
            {...invalidProps("new-prompt-name-error", nameError)}
            required
          />
          <FieldError id="new-prompt-name-error" error={nameError} />
        </label>
        <label>
          Type
          <select value={type} onChange={(e) => setType(e.target.value as "chat" | "text")}>
            <option value="chat">chat (messages)</option>
            <option value="text">text</option>
          </select>
        </label>
        <label>
          Description
          <input value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <label>
          Tags (comma-separated)
          <input value={tags} onChange={(e) => setTags(e.target.value)} />
        </label>
        <button
          type="submit"
          disabled={create.isPending || typed === "" || Boolean(nameCheck && !nameCheck.success)}
        >
          Create prompt
        </button>
      </form>
      {otherErrors && (
        <p role="alert" className="error">
          {otherErrors}
        </p>
      )}
    </details>
  );
}
