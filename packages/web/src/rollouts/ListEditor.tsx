import { Button, Stack, Text } from "@mantine/core";
import type { ReactNode } from "react";

/**
 * A list the start form edits: its items (an ordered list where order matters), the problem
 * with it as a whole, and a button to add one more while there is room.
 */
export function ListEditor({
  label,
  ordered,
  gap = "xs",
  items,
  error,
  full,
  addLabel,
  onAdd,
}: {
  label: string;
  ordered: boolean;
  gap?: "xs" | "sm";
  items: ReactNode[];
  error: string | undefined;
  full: boolean;
  addLabel: string;
  onAdd: () => void;
}) {
  return (
    <>
      <Stack
        component={ordered ? "ol" : "ul"}
        gap={gap}
        p={0}
        m={0}
        style={{ listStyle: "none" }}
        aria-label={label}
      >
        {items}
      </Stack>
      {error && (
        <Text size="sm" c="red">
          {error}
        </Text>
      )}
      <Button variant="default" size="xs" w="fit-content" disabled={full} onClick={onAdd}>
        {addLabel}
      </Button>
    </>
  );
}

/** Removes one item of a row in a list the start form edits, aligned with the row's fields. */
export function RemoveButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <Button
      variant="subtle"
      color="red"
      mt={{ base: 0, xs: 25 }}
      aria-label={label}
      onClick={onClick}
    >
      Remove
    </Button>
  );
}
