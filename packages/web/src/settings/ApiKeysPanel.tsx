import {
  Alert,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Select,
  Table,
  Text,
  TextInput,
} from "@mantine/core";
import type { Role } from "@promptline/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { ConfirmDialog } from "../ConfirmDialog.js";
import { api } from "../client.js";
import { fieldErrors } from "../fieldErrors.js";
import { Loading } from "../Loading.js";
import { TableFrame } from "../ScrollRegion.js";
import { toastDone, toastFailed } from "../toast.js";
import { FormCard, Section } from "./Section.js";

/** A role's badge colour: admin stands out, viewer (applications) is quiet. */
const ROLE_COLOR: Record<Role, string> = { admin: "violet", editor: "blue", viewer: "gray" };

/** API keys: create one with a role (its secret shown once, with a copy button), revoke one. */
export function ApiKeysPanel() {
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const keys = useQuery({
    queryKey: ["api-keys"],
    queryFn: () => api.apiKeys.list(),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["api-keys"] });
  const create = useMutation({
    mutationFn: () => api.apiKeys.create({ name: name.trim(), role }),
    // The new key's card (not a toast, which would cover its copy button) is the feedback.
    onSuccess: () => {
      setName("");
      void refresh();
    },
  });
  const revoke = useMutation({
    mutationFn: (key: { id: string; name: string }) => api.apiKeys.revoke(key.id),
    onSuccess: (_, key) => {
      toastDone(`Revoked ${key.name}: it is refused from now on.`);
      void refresh();
    },
    onError: (error, key) => toastFailed(`${key.name} was not revoked`, error),
  });
  const [revoking, setRevoking] = useState<{ id: string; name: string } | undefined>();
  const refused = create.isError ? fieldErrors(create.error) : undefined;
  // The one-time secret is brought into view: it shows below the list, off screen on a long one.
  const secretCard = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (create.data) secretCard.current?.scrollIntoView({ block: "center" });
  }, [create.data]);

  return (
    <Section
      id="keys-title"
      title="API keys"
      description="One key per person or application. Applications need only a viewer key; the secret is shown once, then only its first characters."
    >
      {keys.isPending && <Loading what="keys" />}
      {keys.isError && (
        <Alert color="red" variant="light" title="The keys could not be loaded">
          {keys.error.message}
        </Alert>
      )}
      {keys.data && (
        <TableFrame label="API keys list">
          <Table miw={720}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Name</Table.Th>
                <Table.Th scope="col">Role</Table.Th>
                <Table.Th scope="col">Key</Table.Th>
                <Table.Th scope="col">Created</Table.Th>
                <Table.Th scope="col">State</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {keys.data.items.map((k) => (
                <Table.Tr key={k.id} aria-label={`key ${k.name}`}>
                  <Table.Td fw={500} style={{ wordBreak: "break-word" }}>
                    {k.name}
                  </Table.Td>
                  <Table.Td>
                    <Badge
                      variant="light"
                      color={ROLE_COLOR[k.role]}
                      size="sm"
                      tt="none"
                      miw="max-content"
                    >
                      {k.role}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Code>{k.prefix}…</Code>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{new Date(k.createdAt).toLocaleString()}</Text>
                  </Table.Td>
                  <Table.Td>
                    {k.revokedAt ? (
                      <Text size="sm" c="dimmed">
                        revoked {new Date(k.revokedAt).toLocaleString()}
                      </Text>
                    ) : (
                      <Group gap="xs" wrap="nowrap">
                        <Badge variant="dot" color="green" size="sm" tt="none" miw="max-content">
                          active
                        </Badge>
                        <Button
                          variant="subtle"
                          color="red"
                          size="compact-sm"
                          aria-label={`Revoke ${k.name}`}
                          disabled={revoke.isPending}
                          onClick={() => setRevoking({ id: k.id, name: k.name })}
                        >
                          Revoke
                        </Button>
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableFrame>
      )}
      {create.data && (
        <Alert
          ref={secretCard}
          role="status"
          color="yellow"
          variant="light"
          title="Copy the new key now"
          withCloseButton
          closeButtonLabel="Dismiss the new key"
          onClose={() => create.reset()}
          // The theme's text colour: the yellow title's own is too faint on its background.
          styles={{ title: { color: "var(--mantine-color-text)" } }}
        >
          <Text size="sm" mb="xs">
            Key <strong>{create.data.name}</strong> ({create.data.role}) — copy it now, it is shown
            only this once:
          </Text>
          <Group gap="xs" wrap="nowrap" align="center">
            <Code
              fz="sm"
              p="xs"
              style={{ display: "block", flex: 1, minWidth: 0, wordBreak: "break-all" }}
            >
              {create.data.key}
            </Code>
            <CopyButton value={create.data.key}>
              {({ copied, copy }) => (
                <Button
                  size="xs"
                  variant={copied ? "filled" : "default"}
                  color={copied ? "green" : undefined}
                  onClick={copy}
                  aria-label="Copy the key"
                >
                  {copied ? "Copied" : "Copy"}
                </Button>
              )}
            </CopyButton>
          </Group>
        </Alert>
      )}
      <FormCard title="Create a key">
        <form
          aria-label="Create an API key"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate();
          }}
        >
          <Group align="flex-start" gap="sm">
            <TextInput
              id="key-name"
              label="Key name"
              placeholder="checkout-service"
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              error={refused?.fields.name}
              required
              w={{ base: "100%", xs: 260 }}
            />
            <Select
              label="Role"
              value={role}
              onChange={(value) => setRole((value as Role | null) ?? "viewer")}
              allowDeselect={false}
              data={[
                { value: "viewer", label: "viewer (applications)" },
                { value: "editor", label: "editor" },
                { value: "admin", label: "admin" },
              ]}
              w={{ base: "100%", xs: 220 }}
            />
            <Button
              type="submit"
              mt={{ base: 0, xs: 25 }}
              loading={create.isPending}
              disabled={name.trim() === ""}
            >
              Create key
            </Button>
          </Group>
          {refused?.general && (
            <Text role="alert" c="red" size="sm" mt="xs">
              {refused.general}
            </Text>
          )}
        </form>
      </FormCard>
      <ConfirmDialog
        confirmation={
          revoking && {
            title: "Revoke the key?",
            text: `Revoke '${revoking.name}'? Every application, script and browser session using it is refused from now on; this cannot be undone (create a new key instead).`,
            action: `Revoke ${revoking.name} for good`,
            danger: true,
          }
        }
        onCancel={() => setRevoking(undefined)}
        onConfirm={() => {
          if (revoking) revoke.mutate(revoking);
          setRevoking(undefined);
        }}
      />
    </Section>
  );
}
