import type { PromptContent, PromptDetail } from "@promptline/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useBlocker } from "react-router";
import { api } from "../client.js";
import { CodeEditor } from "../editor/CodeEditor.js";
import { MOD, useShortcut } from "../shortcuts.js";
import {
  MODEL_KEYS,
  ModelFields,
  type ModelInputs,
  modelConfigOf,
  modelInputsOf,
} from "./ModelFields.js";

type Message =
  | { role: "system" | "user" | "assistant"; content: string }
  | { type: "placeholder"; name: string };

/** `history`, or `history2`, … : a placeholder name the draft does not use yet. */
function placeholderName(messages: Message[]): string {
  const used = new Set(messages.flatMap((m) => ("name" in m ? [m.name] : [])));
  // Among messages.length + 1 names at least one is free.
  for (let n = 1; n <= messages.length; n++) {
    const name = n === 1 ? "history" : `history${n}`;
    if (!used.has(name)) return name;
  }
  return `history${messages.length + 1}`;
}

/**
 * The parts of a draft edited as JSON: variable schema, the model config the fields do not edit
 * (tools, response format, stop, top_p, extra), output constraints.
 */
function settingsOf(content: PromptContent): string {
  const { variables, constraints } = content;
  const config = Object.fromEntries(
    Object.entries(content.config ?? {}).filter(
      ([key]) => !(MODEL_KEYS as readonly string[]).includes(key),
    ),
  );
  return JSON.stringify(
    { variables: variables ?? {}, config, constraints: constraints ?? {} },
    null,
    2,
  );
}

/** The draft the editor holds, or why its settings JSON cannot be read. */
function contentOf(
  type: PromptContent["type"],
  messages: Message[],
  text: string,
  settings: string,
  model: ModelInputs,
): PromptContent | string {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(settings) as Record<string, unknown>;
  } catch {
    return "The settings below are not valid JSON: check the quotes, commas and braces.";
  }
  const fields = modelConfigOf(model);
  if (!fields) return "A model field is not valid: see the message beside it.";
  parsed = { ...parsed, config: { ...(parsed.config as object | undefined), ...fields } };
  const extra = Object.fromEntries(
    ["variables", "config", "constraints"]
      .filter((key) => parsed[key] && Object.keys(parsed[key] as object).length > 0)
      .map((key) => [key, parsed[key]]),
  );
  return (
    type === "chat" ? { type, messages, ...extra } : { type, text, ...extra }
  ) as PromptContent;
}

/** Edit the draft (messages and roles, variables, config, constraints) and publish it. */
export function DraftPanel({ name, detail }: { name: string; detail: PromptDetail }) {
  const queryClient = useQueryClient();
  const saved = detail.draft;
  const [messages, setMessages] = useState<Message[]>(saved.type === "chat" ? saved.messages : []);
  const [text, setText] = useState(saved.type === "text" ? saved.text : "");
  const [settings, setSettings] = useState(settingsOf(saved));
  const [model, setModel] = useState(modelInputsOf(saved));
  const [commitMessage, setCommitMessage] = useState("");
  const content = contentOf(saved.type, messages, text, settings, model);
  const dirty =
    typeof content === "string" ||
    JSON.stringify(content) !==
      JSON.stringify(
        contentOf(
          saved.type,
          saved.type === "chat" ? saved.messages : [],
          saved.type === "text" ? saved.text : "",
          settingsOf(saved),
          modelInputsOf(saved),
        ),
      );

  // Unsaved work is not lost to a click elsewhere or a closed tab.
  const blocker = useBlocker(dirty);
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    addEventListener("beforeunload", warn);
    return () => removeEventListener("beforeunload", warn);
  }, [dirty]);

  const save = useMutation({
    mutationFn: (next: PromptContent) => api.prompts.saveDraft(name, next),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["prompt", name] }),
  });
  const canSave = dirty && typeof content !== "string" && !save.isPending;
  const saveNow = () => {
    if (canSave && typeof content !== "string") save.mutate(content);
  };
  useShortcut("s", saveNow);
  const bump = useQuery({
    queryKey: ["prompt", name, "bump", detail.draftUpdatedAt],
    queryFn: () => api.versions.draftBump(name),
    enabled: !dirty,
  });
  const publish = useMutation({
    mutationFn: () =>
      api.versions.publish(name, {
        commitMessage,
        ...(bump.data?.suggestion && { bump: bump.data.suggestion.level }),
      }),
    onSuccess: () => {
      setCommitMessage("");
      void queryClient.invalidateQueries({ queryKey: ["prompt", name] });
    },
  });

  const setMessage = (index: number, next: Message) =>
    setMessages(messages.map((m, i) => (i === index ? next : m)));
  /** Moves a message one place up (-1) or down (+1). */
  const move = (index: number, by: -1 | 1) => {
    const next = [...messages];
    const [moved] = next.splice(index, 1);
    if (moved) next.splice(index + by, 0, moved);
    setMessages(next);
  };
  /** Up, down and remove, for any message of the list. */
  const arrange = (index: number) => (
    <span className="arrange">
      <button type="button" disabled={index === 0} onClick={() => move(index, -1)}>
        Move message {index + 1} up
      </button>{" "}
      <button type="button" disabled={index === messages.length - 1} onClick={() => move(index, 1)}>
        Move message {index + 1} down
      </button>{" "}
      <button type="button" onClick={() => setMessages(messages.filter((_, i) => i !== index))}>
        Remove message {index + 1}
      </button>
    </span>
  );

  return (
    <section aria-labelledby="draft-title">
      <h2 id="draft-title">Draft</h2>
      {saved.type === "chat" ? (
        <ol className="messages">
          {messages.map((message, index) =>
            "role" in message ? (
              // biome-ignore lint/suspicious/noArrayIndexKey: messages have no identity but their place
              <li key={index}>
                <label>
                  Role of message {index + 1}{" "}
                  <select
                    value={message.role}
                    onChange={(e) =>
                      setMessage(index, { ...message, role: e.target.value as "system" })
                    }
                  >
                    <option value="system">system</option>
                    <option value="user">user</option>
                    <option value="assistant">assistant</option>
                  </select>
                </label>
                <CodeEditor
                  label={`Message ${index + 1}`}
                  value={message.content}
                  onChange={(value) => setMessage(index, { ...message, content: value })}
                  placeholder={`What the ${message.role} says; {{variable}} fills in a value`}
                />
                {arrange(index)}
              </li>
            ) : (
              // biome-ignore lint/suspicious/noArrayIndexKey: messages have no identity but their place
              <li key={index}>
                <label>
                  Placeholder {index + 1}: messages the application passes in (e.g. the conversation
                  so far), named{" "}
                  <input
                    value={message.name}
                    onChange={(e) =>
                      setMessage(index, { type: "placeholder", name: e.target.value })
                    }
                  />
                </label>{" "}
                {arrange(index)}
              </li>
            ),
          )}
          <li>
            <button
              type="button"
              onClick={() => setMessages([...messages, { role: "user", content: "" }])}
            >
              Add message
            </button>{" "}
            <button
              type="button"
              onClick={() =>
                setMessages([...messages, { type: "placeholder", name: placeholderName(messages) }])
              }
            >
              Add placeholder
            </button>
          </li>
        </ol>
      ) : (
        <CodeEditor label="Prompt text" value={text} onChange={setText} />
      )}
      <ModelFields inputs={model} onChange={setModel} />
      <h3>Variables, other model settings and output constraints</h3>
      <CodeEditor label="Settings (JSON)" language="json" value={settings} onChange={setSettings} />
      {typeof content === "string" && (
        <p role="alert" className="error">
          {content}
        </p>
      )}
      {save.isError && (
        <p role="alert" className="error">
          The draft was not saved: {save.error.message}
        </p>
      )}
      <p>
        <button
          type="button"
          disabled={!canSave}
          onClick={saveNow}
          aria-keyshortcuts="Control+S Meta+S"
        >
          {save.isPending ? "Saving…" : "Save draft"}
        </button>{" "}
        <kbd className="hint">{MOD}+S</kbd>{" "}
        {dirty ? (
          <span className="hint">Unsaved changes</span>
        ) : (
          <span className="hint">Saved</span>
        )}
      </p>

      <h3>Publish</h3>
      {publish.data && <p role="status">Published v{publish.data.version}.</p>}
      {dirty ? (
        <p className="hint">Save the draft to see what publishing it would be.</p>
      ) : bump.isPending ? (
        <p className="loading">Comparing the draft with the latest version…</p>
      ) : bump.isError ? (
        <p role="alert" className="error">
          {bump.error.message}
        </p>
      ) : bump.data.identicalTo !== null ? (
        <p className="hint">
          The draft is identical to v{bump.data.identicalTo}: nothing to publish.
        </p>
      ) : (
        <form
          aria-label="Publish the draft"
          onSubmit={(event) => {
            event.preventDefault();
            publish.mutate();
          }}
        >
          <p>
            Publishing makes <strong>{bump.data.nextSemver}</strong>
            {bump.data.suggestion && (
              <>
                {" "}
                — a <strong>{bump.data.suggestion.level}</strong> change:
              </>
            )}
          </p>
          {bump.data.suggestion && (
            <ul aria-label="Why this bump level">
              {bump.data.suggestion.reasons.map((r) => (
                <li key={r.reason}>
                  {r.level}: {r.reason}
                </li>
              ))}
            </ul>
          )}
          <label>
            Commit message{" "}
            <input
              value={commitMessage}
              onChange={(e) => setCommitMessage(e.target.value)}
              required
            />
          </label>{" "}
          <button type="submit" disabled={publish.isPending || commitMessage.trim() === ""}>
            Publish
          </button>
          {publish.isError && (
            <p role="alert" className="error">
              {publish.error.message}
            </p>
          )}
        </form>
      )}

      {blocker.state === "blocked" && (
        <div role="alertdialog" aria-label="Unsaved changes" className="confirm">
          <p>The draft has unsaved changes. Leave and lose them?</p>
          <button type="button" onClick={() => blocker.proceed()}>
            Leave
          </button>{" "}
          <button type="button" onClick={() => blocker.reset()}>
            Stay
          </button>
        </div>
      )}
    </section>
  );
}
