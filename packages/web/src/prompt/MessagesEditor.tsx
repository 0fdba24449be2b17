import {
  ActionIcon,
  Button,
  Group,
  NativeSelect,
  Paper,
  Stack,
  Text,
  TextInput,
  Tooltip,
} from "@mantine/core";
import { memo, useCallback, useRef } from "react";
import { CodeEditor } from "../editor/CodeEditor.js";

export type Message =
  | { role: "system" | "user" | "assistant"; content: string }
  | { type: "placeholder"; name: string };

/** `history`, or `history2`, … : a placeholder name the draft does not use yet. */
export function placeholderName(messages: Message[]): string {
  const used = new Set(messages.flatMap((m) => ("name" in m ? [m.name] : [])));
  // Among messages.length + 1 names at least one is free.
  for (let n = 1; n <= messages.length; n++) {
    const name = n === 1 ? "history" : `history${n}`;
    if (!used.has(name)) return name;
  }
  return `history${messages.length + 1}`;
}

/** A small button with a drawn icon, named (and given a tooltip) by `label`. */
function IconButton(props: {
  label: string;
  path: string;
  onClick: () => void;
  disabled?: boolean;
  color?: string;
}) {
  return (
    <Tooltip label={props.label}>
      <ActionIcon
        variant={props.color ? "subtle" : "default"}
        aria-label={props.label}
        disabled={props.disabled}
        onClick={props.onClick}
        color={props.color}
      >
        <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
          <path
            d={props.path}
            fill="none"
            stroke="currentColor"
            strokeWidth="2"
            strokeLinecap="round"
            strokeLinejoin="round"
          />
        </svg>
      </ActionIcon>
    </Tooltip>
  );
}

/** What can be done to one message of the list, by its place. */
type Edit = { kind: "set"; message: Message } | { kind: "move"; by: -1 | 1 } | { kind: "remove" };

/** The list after one edit; a move past either end changes nothing. */
export function edited(messages: Message[], index: number, edit: Edit): Message[] {
  if (edit.kind === "set") return messages.map((m, i) => (i === index ? edit.message : m));
  if (edit.kind === "remove") return messages.filter((_, i) => i !== index);
  const to = index + edit.by;
  if (to < 0 || to >= messages.length) return messages;
  const next = [...messages];
  const [moved] = next.splice(index, 1);
  if (moved) next.splice(to, 0, moved);
  return next;
}

/** The largest chat prompt the server keeps (its schema's limit). */
export const MAX_MESSAGES = 200;

/**
 * One message, or one placeholder, with its controls. Drawn again only when it or its place
 * changes: typing in one of 200 messages redraws that one, not the 199 others.
 */
const MessageCard = memo(function MessageCard({
  index,
  message,
  last,
  edit,
}: {
  index: number;
  message: Message;
  last: boolean;
  edit: (index: number, edit: Edit) => void;
}) {
  const arrange = (
    <Group gap={4}>
      <IconButton
        label={`Move message ${index + 1} up`}
        disabled={index === 0}
        onClick={() => edit(index, { kind: "move", by: -1 })}
        path="M12 19V5M5 12l7-7 7 7"
      />
      <IconButton
        label={`Move message ${index + 1} down`}
        disabled={last}
        onClick={() => edit(index, { kind: "move", by: 1 })}
        path="M12 5v14M5 12l7 7 7-7"
      />
      <IconButton
        label={`Remove message ${index + 1}`}
        color="red"
        onClick={() => edit(index, { kind: "remove" })}
        path="M6 6l12 12M18 6L6 18"
      />
    </Group>
  );
  const set = (next: Message) => edit(index, { kind: "set", message: next });
  return (
    <Paper component="li" withBorder p="sm">
      {"role" in message ? (
        <>
          <Group justify="space-between" align="end" mb="xs">
            <NativeSelect
              label={`Role of message ${index + 1}`}
              value={message.role}
              data={["system", "user", "assistant"]}
              onChange={(e) => set({ ...message, role: e.currentTarget.value as "system" })}
              w={180}
            />
            {arrange}
          </Group>
          <CodeEditor
            label={`Message ${index + 1}`}
            value={message.content}
            onChange={(value) => set({ ...message, content: value })}
            placeholder={`What the ${message.role} says; {{variable}} fills in a value`}
          />
        </>
      ) : (
        <Group justify="space-between" align="end">
          <TextInput
            label={`Placeholder ${index + 1}: messages the application passes in (e.g. the conversation so far), named`}
            value={message.name}
            onChange={(e) => set({ type: "placeholder", name: e.currentTarget.value })}
            styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
            style={{ flex: 1, minWidth: "12rem" }}
          />
          {arrange}
        </Group>
      )}
    </Paper>
  );
});

/**
 * A chat prompt's messages, each in an editor with its role, and placeholders where the
 * application splices in messages of its own; any of them can be moved or removed.
 */
export function MessagesEditor({
  messages,
  onChange,
}: {
  messages: Message[];
  onChange: (messages: Message[]) => void;
}) {
  // One edit function for every card, whatever the list holds now: the cards stay memoised.
  const latest = useRef({ messages, onChange });
  latest.current = { messages, onChange };
  const edit = useCallback((index: number, change: Edit) => {
    latest.current.onChange(edited(latest.current.messages, index, change));
  }, []);
  const full = messages.length >= MAX_MESSAGES;

  return (
    <Stack gap="sm" component="ol" p={0} m={0} style={{ listStyle: "none" }}>
      {messages.map((message, index) => (
        <MessageCard
          // biome-ignore lint/suspicious/noArrayIndexKey: messages have no identity but their place
          key={index}
          index={index}
          message={message}
          last={index === messages.length - 1}
          edit={edit}
        />
      ))}
      <Group component="li" gap="xs">
        <Button
          variant="light"
          disabled={full}
          onClick={() => onChange([...messages, { role: "user", content: "" }])}
        >
          Add message
        </Button>
        <Button
          variant="light"
          disabled={full}
          onClick={() =>
            onChange([...messages, { type: "placeholder", name: placeholderName(messages) }])
          }
        >
          Add placeholder
        </Button>
        {messages.length === 0 && (
          <Text c="dimmed" size="sm">
            A chat prompt has at least one message.
          </Text>
        )}
        {full && (
          <Text c="dimmed" size="sm">
            A chat prompt has at most {MAX_MESSAGES} messages.
          </Text>
        )}
      </Group>
    </Stack>
  );
}
