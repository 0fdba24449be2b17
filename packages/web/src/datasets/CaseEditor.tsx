import {
  Alert,
  Button,
  Group,
  SegmentedControl,
  SimpleGrid,
  Stack,
  TagsInput,
  Text,
  Textarea,
} from "@mantine/core";
import { ApiError } from "@promptline/client";
import type { DatasetCase } from "@promptline/core";
import { caseTagSchema } from "@promptline/core";
import { useId, useState } from "react";
import { fieldErrors, sentence } from "../fieldErrors.js";

/** What the editor hands over: the case's variables, reference and tags, checked. */
export interface CaseDraft {
  variables: Record<string, unknown>;
  /** null: no reference. */
  expected: unknown;
  tags: string[];
}

type ExpectedKind = "text" | "json";

/** JSON is typed in the theme's monospace font (the field's label and help keep theirs). */
const MONOSPACE = { input: { fontFamily: "var(--mantine-font-family-monospace)" } };

/** A JSON text's value, or what is wrong with it in words. */
function parseJson(text: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { error: `not valid JSON: ${(error as Error).message}` };
  }
}

/** The variables field's value, or why it cannot be saved. */
function readVariables(text: string): { value: Record<string, unknown> } | { error: string } {
  if (!text.trim()) return { value: {} };
  const parsed = parseJson(text);
  if ("error" in parsed) return { error: sentence(`The variables are ${parsed.error}`) };
  const value = parsed.value;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { error: 'The variables are a JSON object: {"name": "value", …}.' };
  }
  return { value: value as Record<string, unknown> };
}

/** The reference field's value (null when empty), or why it cannot be saved. */
function readExpected(text: string, kind: ExpectedKind): { value: unknown } | { error: string } {
  if (!text.trim()) return { value: null };
  if (kind === "text") return { value: text };
  const parsed = parseJson(text);
  return "error" in parsed ? { error: sentence(`The expected output is ${parsed.error}`) } : parsed;
}

/** The first tag a case may not have, with why. */
function tagsError(tags: string[]): string | undefined {
  for (const tag of tags) {
    const check = caseTagSchema.safeParse(tag);
    if (!check.success) return sentence(`“${tag}”: ${check.error.issues[0]?.message ?? ""}`);
  }
  return undefined;
}

/**
 * A case's fields as a form — variables as a JSON object, the expected output as text or JSON,
 * tags — for editing a case in place or adding one. A refusal because the dataset changed since
 * it was opened (409) keeps what was typed and offers to reload; the edit is then saved against
 * the newest revision.
 */
export function CaseEditor({
  initial,
  title,
  saveLabel,
  saving,
  error,
  onSave,
  onCancel,
  onReload,
}: {
  initial?: DatasetCase;
  title: string;
  saveLabel: string;
  saving: boolean;
  error: unknown;
  onSave: (draft: CaseDraft) => void;
  onCancel: () => void;
  onReload: () => void;
}) {
  const id = useId();
  const [variables, setVariables] = useState(() =>
    JSON.stringify(initial?.input.variables ?? {}, null, 2),
  );
  const startKind: ExpectedKind =
    initial && initial.expected !== null && typeof initial.expected !== "string" ? "json" : "text";
  const [kind, setKind] = useState<ExpectedKind>(startKind);
  const [expected, setExpected] = useState(() =>
    initial?.expected === null || initial?.expected === undefined
      ? ""
      : startKind === "json"
        ? JSON.stringify(initial.expected, null, 2)
        : String(initial.expected),
  );
  const [tags, setTags] = useState<string[]>(initial?.tags ?? []);
  const [tried, setTried] = useState(false);

  const readV = readVariables(variables);
  const readE = readExpected(expected, kind);
  const badTags = tagsError(tags);
  const stale = error instanceof ApiError && error.status === 409;
  const refused = error && !stale ? fieldErrors(error) : undefined;
  const show = (message: string | undefined) => (tried ? message : undefined);

  return (
    <form
      aria-label={title}
      onSubmit={(e) => {
        e.preventDefault();
        setTried(true);
        if ("error" in readV || "error" in readE || badTags) return;
        onSave({ variables: readV.value, expected: readE.value, tags });
      }}
    >
      <Stack gap="sm">
        <Text fw={600}>{title}</Text>
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
          <Textarea
            id={`${id}-variables`}
            label="Variables (JSON)"
            description='The values the prompt is filled with: {"customer": "Ada"}.'
            value={variables}
            onChange={(e) => setVariables(e.currentTarget.value)}
            error={show("error" in readV ? readV.error : undefined) ?? refused?.fields.input}
            autosize
            minRows={3}
            maxRows={14}
            styles={MONOSPACE}
            spellCheck={false}
            data-autofocus
          />
          <Stack gap={6}>
            <Textarea
              id={`${id}-expected`}
              label="Expected output"
              description="A reference the output is scored against; empty for none."
              value={expected}
              onChange={(e) => setExpected(e.currentTarget.value)}
              error={show("error" in readE ? readE.error : undefined) ?? refused?.fields.expected}
              autosize
              minRows={3}
              maxRows={14}
              styles={kind === "json" ? MONOSPACE : undefined}
            />
            <SegmentedControl
              size="xs"
              value={kind}
              onChange={(value) => setKind(value === "json" ? "json" : "text")}
              aria-label="Read the expected output as"
              data={[
                { value: "text", label: "Text" },
                { value: "json", label: "JSON" },
              ]}
              w="fit-content"
            />
          </Stack>
        </SimpleGrid>
        <TagsInput
          id={`${id}-tags`}
          label="Tags"
          description="Press Enter after each: edge, adversarial, regression…"
          value={tags}
          onChange={setTags}
          error={show(badTags) ?? refused?.fields.tags}
          maxTags={50}
          clearable
          splitChars={[",", " "]}
        />
        {stale && (
          <Alert color="orange" role="alert" title="Someone changed this dataset">
            <Text size="sm" mb="xs">
              It has a newer revision than the one this edit was made on. Reload to see their
              change; what you typed here stays, and saving then makes a revision after theirs.
            </Text>
            <Button size="xs" variant="default" onClick={onReload}>
              Reload
            </Button>
          </Alert>
        )}
        {refused?.general && (
          <Alert color="red" variant="light" p="sm" role="alert">
            {refused.general}
          </Alert>
        )}
        <Group gap="xs">
          <Button type="submit" loading={saving}>
            {saveLabel}
          </Button>
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
