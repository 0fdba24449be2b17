import { Paper, Stack, Text } from "@mantine/core";
import type { ReactNode } from "react";

/**
 * What a list shows when it has nothing: a dashed card (so it does not read as a list that failed
 * to load) with a headline, a sentence on how to fill it, and anything offered beneath.
 */
export function EmptyState({
  title,
  children,
  extra,
}: {
  title?: ReactNode;
  children: ReactNode;
  extra?: ReactNode;
}) {
  return (
    <Paper withBorder p="xl" style={{ borderStyle: "dashed" }}>
      <Stack gap={6} align="center" ta="center">
        {title && (
          <Text fw={600} size="lg">
            {title}
          </Text>
        )}
        <Text c="dimmed" size="sm" maw={480}>
          {children}
        </Text>
        {extra}
      </Stack>
    </Paper>
  );
}
