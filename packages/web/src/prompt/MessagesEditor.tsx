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
  const setMessage = (index: number, next: Message) =>
    onChange(messages.map((m, i) => (i === index ? next : m)));
  /** Moves a message one place up (-1) or down (+1). */
  const move = (index: number, by: -1 | 1) => {
    const next = [...messages];
    const [moved] = next.splice(index, 1);
    if (moved) next.splice(index + by, 0, moved);
    onChange(next);
  };
  /** Up, down and remove, for any message of the list. */
  const arrange = (index: number) => (
    <Group gap={4}>
      <IconButton
        label={`Move message ${index + 1} up`}
        disabled={index === 0}
        onClick={() => move(index, -1)}
        path="M12 19V5M5 12l7-7 7 7"
      />
      <IconButton
        label={`Move message ${index + 1} down`}
        disabled={index === messages.length - 1}
        onClick={() => move(index, 1)}
        path="M12 5v14M5 12l7 7 7-7"
      />
      <IconButton
        label={`Remove message ${index + 1}`}
        color="red"
        onClick={() => onChange(messages.filter((_, i) => i !== index))}
        path="M6 6l12 12M18 6L6 18"
      />
    </Group>
  );

  return (
    <Stack gap="sm" component="ol" p={0} m={0} style={{ listStyle: "none" }}>
      {messages.map((message, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: messages have no identity but their place
        <Paper key={index} component="li" withBorder p="sm">
          {"role" in message ? (
            <>
              <Group justify="space-between" align="end" mb="xs">
                <NativeSelect
                  label={`Role of message ${index + 1}`}
                  value={message.role}
                  data={["system", "user", "assistant"]}
                  onChange={(e) =>
                    setMessage(index, { ...message, role: e.currentTarget.value as "system" })
                  }
                  w={180}
                />
                {arrange(index)}
              </Group>
              <CodeEditor
                label={`Message ${index + 1}`}
                value={message.content}
                onChange={(value) => setMessage(index, { ...message, content: value })}
                placeholder={`What the ${message.role} says; {{variable}} fills in a value`}
              />
            </>
          ) : (
            <Group justify="space-between" align="end">
              <TextInput
                label={`Placeholder ${index + 1}: messages the application passes in (e.g. the conversation so far), named`}
                value={message.name}
                onChange={(e) =>
                  setMessage(index, { type: "placeholder", name: e.currentTarget.value })
                }
                styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
                style={{ flex: 1, minWidth: "12rem" }}
              />
              {arrange(index)}
            </Group>
          )}
        </Paper>
      ))}
      <Group component="li" gap="xs">
        <Button
          variant="light"
          onClick={() => onChange([...messages, { role: "user", content: "" }])}
        >
          Add message
        </Button>
        <Button
          variant="light"
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
      </Group>
    </Stack>
  );
}
