import { Alert, Button, Code, Group, Paper, Stack, Text, ThemeIcon, Title } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "react-router";
import { useSession } from "../session/session.js";
import { toastDone } from "../toast.js";
import { createExample, EXAMPLE_PROMPT } from "./example.js";

/** In an empty workspace: one click makes an example, so every screen has something to show. */
export function ExampleOffer({ onActive }: { onActive: (active: boolean) => void }) {
  const session = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: () => {
      onActive(true);
      return createExample();
    },
    onSuccess: async () => {
      onActive(false);
      await queryClient.invalidateQueries();
      toastDone(`Created the example ${EXAMPLE_PROMPT}: two versions, an echo connection, traces.`);
      navigate(`/prompts/${EXAMPLE_PROMPT}`);
    },
  });
  const admin = session.data?.role === "admin";
  return (
    <Paper
      component="section"
      aria-labelledby="example-title"
      withBorder
      p="lg"
      maw={720}
      bg="var(--mantine-primary-color-light)"
    >
      <Group align="flex-start" wrap="nowrap" gap="md">
        <ThemeIcon variant="filled" size="lg" radius="xl" visibleFrom="xs" aria-hidden="true">
          ✦
        </ThemeIcon>
        <Stack gap="sm" style={{ minWidth: 0 }}>
          <Title order={2} size="h4" id="example-title">
            New here?
          </Title>
          <Text size="sm">
            Create an example to look around: a prompt with two versions (production serves v1,
            staging v2), a connection of the <Code>echo</Code> kind that answers without any LLM,
            and a day of traces with feedback.
          </Text>
          <Group>
            <Button
              disabled={!admin || create.isPending}
              loading={create.isPending}
              onClick={() => create.mutate()}
            >
              {create.isPending ? "Creating the example…" : "Create an example"}
            </Button>
          </Group>
          {!admin && session.data && (
            <Text size="sm" c="dimmed">
              Creating the example needs an admin key (it adds a connection and deploys to
              production); yours has the '{session.data.role}' role.
            </Text>
          )}
          {create.isError && (
            <Alert color="red" variant="light" p="sm">
              The example was not finished: {create.error.message}. Creating it again completes it.
            </Alert>
          )}
        </Stack>
      </Group>
    </Paper>
  );
}
