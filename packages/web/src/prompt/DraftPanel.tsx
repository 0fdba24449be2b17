import {
  Accordion,
  Alert,
  Badge,
  Button,
  Group,
  Kbd,
  Modal,
  Paper,
  Stack,
  Text,
  Title,
} from "@mantine/core";
import { can, extractVariables, type PromptContent, type PromptDetail } from "@promptline/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";
import { useBlocker } from "react-router";
import { api } from "../client.js";
import { CodeEditor } from "../editor/CodeEditor.js";
import { useSession } from "../session/session.js";
import { MOD, useShortcut } from "../shortcuts.js";
import { toastDone } from "../toast.js";
import { readSettings, settingsInputsOf } from "./draftSettings.js";
import { type Message, MessagesEditor } from "./MessagesEditor.js";
import { ModelFields, type ModelInputs, modelConfigOf, modelInputsOf } from "./ModelFields.js";
import { PublishForm } from "./PublishForm.js";
import { ConstraintFields, MoreModelFields, ToolFields } from "./SettingsFields.js";
import { VariablesFields } from "./VariablesFields.js";

/** The draft the editor holds, or why it cannot be built yet (a field says what is wrong). */
function contentOf(
  type: PromptContent["type"],
  messages: Message[],
  text: string,
  settings: ReturnType<typeof readSettings>,
  model: ModelInputs,
): PromptContent | string {
  const { parts, errors } = settings;
  const fields = modelConfigOf(model);
  if (!fields || Object.keys(errors).length > 0) {
    return "A field is not valid yet: see the message beside it.";
  }
  const config = { ...parts.config, ...fields };
  const content = {
    ...parts,
    ...(Object.keys(config).length > 0 ? { config } : { config: undefined }),
  };
  const defined = Object.fromEntries(Object.entries(content).filter(([, v]) => v !== undefined));
  return (
    type === "chat" ? { type, messages, ...defined } : { type, text, ...defined }
  ) as PromptContent;
}

/** A saved draft as the editor would build it again: what "unsaved changes" compares with. */
function comparable(draft: PromptContent): string {
  return JSON.stringify(
    contentOf(
      draft.type,
      draft.type === "chat" ? draft.messages : [],
      draft.type === "text" ? draft.text : "",
      readSettings(settingsInputsOf(draft)),
      modelInputsOf(draft),
    ),
  );
}

/** The folded sections of the settings, and the fields of each (to say which holds a mistake). */
const SECTIONS = [
  {
    key: "model",
    title: "More model settings: top p, stop sequences, parameters",
    fields: ["topP", "stop", "extra"],
    Fields: MoreModelFields,
  },
  {
    key: "tools",
    title: "Tools and response format",
    fields: ["tools", "schemaName", "schemaJson"],
    Fields: ToolFields,
  },
  {
    key: "constraints",
    title: "Output constraints",
    fields: ["jsonSchema", "maxLength", "pattern"],
    Fields: ConstraintFields,
  },
];

/** The variables the templates use, or why the templates cannot be read. */
function variablesIn(type: PromptContent["type"], messages: Message[], text: string) {
  try {
    return extractVariables(type === "chat" ? { type, messages } : { type, text });
  } catch (error) {
    return `A template cannot be read: ${(error as Error).message}`;
  }
}

/** Edit the draft (messages and roles, model, variables, tools, constraints) and publish it. */
export function DraftPanel({ name, detail }: { name: string; detail: PromptDetail }) {
  const session = useSession();
  // A viewer reads the draft; saving and publishing it need an editor or admin key.
  const mayWrite = session.data ? can(session.data, "prompt:write") : false;
  const queryClient = useQueryClient();
  const saved = detail.draft;
  const [messages, setMessages] = useState<Message[]>(saved.type === "chat" ? saved.messages : []);
  const [text, setText] = useState(saved.type === "text" ? saved.text : "");
  const [settings, setSettings] = useState(() => settingsInputsOf(saved));
  const [model, setModel] = useState(() => modelInputsOf(saved));
  /** The saved draft the editor's changes are counted from. */
  const [base, setBase] = useState(() => comparable(saved));
  /** A draft saved elsewhere while this one has changes of its own: which to keep is asked. */
  const [elsewhere, setElsewhere] = useState<PromptContent | undefined>();
  const read = useMemo(() => readSettings(settings), [settings]);
  const content = contentOf(saved.type, messages, text, read, model);
  const current = typeof content === "string" ? content : JSON.stringify(content);
  const dirty = typeof content === "string" || current !== base;
  const detected = useMemo(
    () => variablesIn(saved.type, messages, text),
    [saved.type, messages, text],
  );

  const load = (draft: PromptContent) => {
    setMessages(draft.type === "chat" ? draft.messages : []);
    setText(draft.type === "text" ? draft.text : "");
    setSettings(settingsInputsOf(draft));
    setModel(modelInputsOf(draft));
    setBase(comparable(draft));
    setElsewhere(undefined);
  };
  // The draft changed on the server (saved here, in another tab, by the CLI or a colleague):
  // taken in when nothing here is unsaved; otherwise the person chooses, and nothing is lost.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a new saved draft matters here
  useEffect(() => {
    const server = comparable(saved);
    // Back to what the editor started from (or this editor's own save): nothing to ask.
    if (server === base) setElsewhere(undefined);
    else if (!dirty) load(saved);
    else if (current === server) {
      setBase(server);
      setElsewhere(undefined);
    } else setElsewhere(saved);
  }, [saved]);

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
    onSuccess: (_, sent) => {
      // What was sent is saved; what was typed since stays unsaved.
      setBase(JSON.stringify(sent));
      // Saved over whatever was saved elsewhere: there is no longer a choice to make.
      setElsewhere(undefined);
      toastDone("The draft is saved.");
      return queryClient.invalidateQueries({ queryKey: ["prompt", name] });
    },
  });
  const canSave = mayWrite && dirty && typeof content !== "string" && !save.isPending;
  // One save at a time: a double click would otherwise send two before the button is disabled.
  const saving = useRef(false);
  const saveNow = () => {
    if (!canSave || typeof content === "string" || saving.current) return;
    saving.current = true;
    save.mutate(content, { onSettled: () => (saving.current = false) });
  };
  useShortcut("s", saveNow);
  const fieldProps = { inputs: settings, errors: read.errors, onChange: setSettings };

  return (
    <Stack component="section" aria-labelledby="draft-title" gap="md">
      <Title order={2} id="draft-title">
        Draft
      </Title>
      {elsewhere && (
        <Alert color="orange" role="alert" title="The draft was saved elsewhere">
          <Text mb="sm">
            Someone (another tab, the CLI or a colleague) saved this draft at{" "}
            {new Date(detail.draftUpdatedAt).toLocaleString()} while you had unsaved changes here.
            Keep yours (saving replaces theirs), or load theirs (yours are dropped).
          </Text>
          <Group gap="sm">
            <Button
              variant="default"
              onClick={() => {
                setBase(comparable(elsewhere));
                setElsewhere(undefined);
              }}
            >
              Keep mine
            </Button>
            <Button color="orange" onClick={() => load(elsewhere)}>
              Load the saved draft
            </Button>
          </Group>
        </Alert>
      )}
      {saved.type === "chat" ? (
        <MessagesEditor messages={messages} onChange={setMessages} />
      ) : (
        <CodeEditor label="Prompt text" value={text} onChange={setText} />
      )}
      <Paper withBorder p="md" component="section" aria-labelledby="model-title">
        <Title order={3} id="model-title" mb="xs">
          Model settings
        </Title>
        <ModelFields inputs={model} onChange={setModel} />
      </Paper>
      <Paper withBorder p="md" component="section" aria-labelledby="variables-title">
        <Title order={3} id="variables-title" mb="xs">
          Variables
        </Title>
        <VariablesFields detected={detected} {...fieldProps} />
      </Paper>
      <Accordion variant="separated" multiple>
        {SECTIONS.map(({ key, title, fields, Fields }) => {
          const wrong = fields.filter((field) => read.errors[field]).length;
          return (
            <Accordion.Item key={key} value={key}>
              <Accordion.Control>
                <Group gap="xs">
                  {title}
                  {wrong > 0 && (
                    <Badge color="red" variant="light">
                      {wrong === 1 ? "1 field to fix" : `${wrong} fields to fix`}
                    </Badge>
                  )}
                </Group>
              </Accordion.Control>
              <Accordion.Panel>
                <Fields {...fieldProps} />
              </Accordion.Panel>
            </Accordion.Item>
          );
        })}
      </Accordion>
      {typeof content === "string" && (
        <Alert color="red" role="alert">
          {content}
        </Alert>
      )}
      {save.isError && (
        <Alert color="red" role="alert">
          The draft was not saved: {save.error.message}
        </Alert>
      )}
      <Group gap="sm">
        <Button
          disabled={!canSave}
          loading={save.isPending}
          onClick={saveNow}
          aria-keyshortcuts="Control+S Meta+S"
        >
          Save draft
        </Button>
        <Text size="sm" c="dimmed">
          <Kbd>{MOD}</Kbd> + <Kbd>S</Kbd>
        </Text>
        <Badge variant="light" color={dirty ? "orange" : "green"}>
          {dirty ? "Unsaved changes" : "Saved"}
        </Badge>
        {!mayWrite && (
          <Text size="sm" c="dimmed">
            Your key's role ({session.data?.role}) can read the draft; saving and publishing it need
            an editor or admin key.
          </Text>
        )}
      </Group>

      {mayWrite && <PublishForm name={name} detail={detail} dirty={dirty} />}

      <Modal
        opened={blocker.state === "blocked"}
        onClose={() => blocker.reset?.()}
        title="Unsaved changes"
        centered
      >
        <Text mb="md">The draft has unsaved changes. Leave and lose them?</Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={() => blocker.reset?.()}>
            Stay
          </Button>
          <Button color="red" onClick={() => blocker.proceed?.()}>
            Leave
          </Button>
        </Group>
      </Modal>
    </Stack>
  );
}
