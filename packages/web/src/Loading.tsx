import { Skeleton, Stack, VisuallyHidden } from "@mantine/core";

/**
 * What a screen shows while its data is on the way: grey bars in the shape of what is coming,
 * and, for a screen reader, what is loading.
 */
export function Loading({ what, lines = 3 }: { what: string; lines?: number }) {
  return (
    <Stack gap="xs" my="md" maw={720} aria-busy="true" role="status">
      <VisuallyHidden>Loading {what}…</VisuallyHidden>
      <Skeleton height={24} width="45%" />
      {Array.from({ length: lines }, (_, line) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the bars are identical and never reorder
        <Skeleton key={line} height={14} width={line === lines - 1 ? "70%" : "100%"} />
      ))}
    </Stack>
  );
}
