import { Alert, Button, Group, Modal, Stack, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import type { ReactNode } from "react";

/**
 * A "New <what>" button and the form it opens in a modal, as every list page that creates
 * something has it: the fields, what the server refused that is not about one field, Cancel and
 * "Create <what>". A key that may not write sees the button off and why.
 */
export function CreateModal({
  what,
  mayWrite,
  pending,
  ready,
  error,
  onSubmit,
  children,
}: {
  /** "dataset", "prompt": names the button, the modal, the form and the submit button. */
  what: string;
  mayWrite: boolean;
  pending: boolean;
  /** Whether the fields are filled in well enough to send. */
  ready: boolean;
  error?: string | undefined;
  onSubmit: () => void;
  children: ReactNode;
}) {
  const [opened, modal] = useDisclosure(false);
  const title = `New ${what}`;
  if (!mayWrite) {
    return (
      <Stack gap={2} align="flex-end">
        <Button disabled>{title}</Button>
        <Text size="xs" c="dimmed">
          Creating {what}s needs an editor or admin key.
        </Text>
      </Stack>
    );
  }
  return (
    <>
      <Button onClick={modal.open}>{title}</Button>
      <Modal opened={opened} onClose={modal.close} title={title} size="lg" centered>
        <form
          aria-label={title}
          onSubmit={(e) => {
            e.preventDefault();
            onSubmit();
          }}
        >
          <Stack gap="sm">
            {children}
            {error && (
              <Alert color="red" variant="light" p="sm">
                {error}
              </Alert>
            )}
            <Group justify="flex-end" mt="xs">
              <Button variant="default" onClick={modal.close}>
                Cancel
              </Button>
              <Button type="submit" loading={pending} disabled={!ready}>
                Create {what}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
