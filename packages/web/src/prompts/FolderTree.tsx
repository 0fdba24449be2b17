import { NavLink, Skeleton, Stack, Text } from "@mantine/core";
import type { Folder } from "@promptline/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "../client.js";

/** `support/refunds` → `["support", "support/refunds"]`: a folder and the folders above it. */
const lineage = (path: string) =>
  path === "" ? [] : path.split("/").map((_, i, parts) => parts.slice(0, i + 1).join("/"));

/**
 * The folders prompts live in, nested; choosing one lists what is under it and opens it to show
 * its own folders. The chosen folder's parents stay open.
 */
export function FolderTree({
  selected,
  onSelect,
}: {
  selected: string;
  onSelect(path: string): void;
}) {
  const folders = useQuery({
    queryKey: ["prompts", "folders"],
    queryFn: () => api.prompts.folders(),
  });
  const [opened, setOpened] = useState<Set<string>>(() => new Set(lineage(selected)));
  const toggle = (path: string, open: boolean) => {
    const next = new Set(opened);
    if (open) next.add(path);
    else next.delete(path);
    setOpened(next);
  };
  const children = (parent: string) =>
    (folders.data?.items ?? []).filter((f) => {
      const rest =
        parent === ""
          ? f.path
          : f.path.startsWith(`${parent}/`)
            ? f.path.slice(parent.length + 1)
            : undefined;
      return rest !== undefined && rest !== "" && !rest.includes("/");
    });
  const node = (f: Folder) => {
    const below = children(f.path);
    const current = f.path === selected;
    const open = opened.has(f.path);
    return (
      <NavLink
        key={f.path}
        component="button"
        type="button"
        label={
          <>
            {f.path.split("/").at(-1)}{" "}
            <Text span size="xs" c="dimmed">
              ({f.prompts})
            </Text>
          </>
        }
        active={current}
        aria-current={current ? "true" : undefined}
        aria-expanded={below.length > 0 ? open : undefined}
        opened={open}
        // A folder without folders is chosen by a click; one with folders hears of the click (or
        // Space) as a change: choosing it opens it, choosing the one already chosen toggles it.
        onClick={() => {
          if (below.length === 0 && !current) onSelect(f.path);
        }}
        onChange={(next) => {
          if (current) toggle(f.path, next);
          else {
            onSelect(f.path);
            if (!open) toggle(f.path, true);
          }
        }}
        childrenOffset="sm"
        py={6}
      >
        {below.length > 0 ? below.map(node) : undefined}
      </NavLink>
    );
  };

  return (
    <Stack component="nav" aria-label="Folders" gap={2}>
      <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" mb={4}>
        Folders
      </Text>
      <NavLink
        component="button"
        type="button"
        label="All prompts"
        active={selected === ""}
        aria-current={selected === "" ? "true" : undefined}
        onClick={() => onSelect("")}
        py={6}
      />
      {folders.isPending && <Skeleton height={24} mx="sm" my={4} />}
      {folders.isError && (
        <Text size="sm" c="red" px="sm" role="alert">
          The folders could not be loaded: {folders.error.message}
        </Text>
      )}
      {children("").map(node)}
    </Stack>
  );
}
