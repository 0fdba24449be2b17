import { Button, Group, Text } from "@mantine/core";
import { useState } from "react";

/**
 * Cursor paging as the API offers it (each page names the cursor of the next): the cursors of the
 * pages seen so far, so "back" needs no cursor of its own. Nothing is shown while everything fits
 * on one page.
 */
export function useCursorPages() {
  const [cursors, setCursors] = useState<string[]>([]);
  return {
    cursor: cursors.at(-1),
    reset: () => setCursors([]),
    pager: (nextCursor: string | null | undefined, labels: [back: string, forward: string]) =>
      cursors.length === 0 && !nextCursor ? null : (
        <Group justify="flex-end" gap="xs" mt="md">
          <Text size="sm" c="dimmed" mr="xs">
            Page {cursors.length + 1}
          </Text>
          <Button
            variant="default"
            size="xs"
            leftSection={<span aria-hidden="true">←</span>}
            disabled={cursors.length === 0}
            onClick={() => setCursors((c) => c.slice(0, -1))}
          >
            {labels[0]}
          </Button>
          <Button
            variant="default"
            size="xs"
            rightSection={<span aria-hidden="true">→</span>}
            disabled={!nextCursor}
            onClick={() => {
              if (nextCursor) setCursors((c) => [...c, nextCursor]);
            }}
          >
            {labels[1]}
          </Button>
        </Group>
      ),
  };
}
