import { Box, Paper, Stack, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";

/** One part of the settings screen: a heading, a line on what it is for, then its contents. */
export function Section({
  id,
  title,
  description,
  children,
}: {
  id: string;
  title: string;
  description: ReactNode;
  children: ReactNode;
}) {
  return (
    <Box component="section" aria-labelledby={id}>
      <Title order={2} size="h3" id={id}>
        {title}
      </Title>
      <Text c="dimmed" size="sm" mb="md">
        {description}
      </Text>
      <Stack gap="md">{children}</Stack>
    </Box>
  );
}

/** A form's frame within a section, with a small heading of its own. */
export function FormCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md">
      <Title order={3} size="h5" mb="sm">
        {title}
      </Title>
      {children}
    </Paper>
  );
}
