import {
  Box,
  Button,
  Center,
  Code,
  List,
  Paper,
  PasswordInput,
  Stack,
  Text,
  Title,
} from "@mantine/core";
import { ApiError } from "@promptline/client";
import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useNavigate, useSearchParams } from "react-router";
import { api } from "../client.js";
import { usePageTitle } from "../title.js";

/** Sign in with an API key; the server answers with an httpOnly session cookie. */
export function SignInPage() {
  usePageTitle("Sign in");
  const [apiKey, setApiKey] = useState("");
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const queryClient = useQueryClient();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const session = await api.session.signIn(apiKey.trim());
      queryClient.setQueryData(["session"], session);
      const next = params.get("next");
      // Only a path of this site: not `//host` nor `/\host`, which browsers read as another site.
      navigate(next && /^\/(?![/\\])/.test(next) ? next : "/");
    } catch (caught) {
      setError(
        caught instanceof ApiError && caught.status === 401
          ? "That key is unknown or revoked. Check it, or ask an admin for a new one."
          : caught instanceof Error
            ? caught.message
            : String(caught),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <Center component="main" mih="100dvh" p="md">
      <Box w="100%" maw={420}>
        <Stack gap={4} mb="lg" align="center">
          <Title order={1} size="h2">
            promptline
          </Title>
          <Text c="dimmed" size="sm">
            Sign in to the prompt workspace
          </Text>
        </Stack>
        <Paper withBorder shadow="sm" p="xl">
          <form onSubmit={submit} aria-label="Sign in">
            <Stack gap="md">
              <PasswordInput
                id="api-key"
                label="API key"
                autoComplete="off"
                value={apiKey}
                onChange={(e) => setApiKey(e.currentTarget.value)}
                placeholder="pl_…"
                required
                withAsterisk={false}
                error={error}
                // Mantine's PasswordInput describes the field by its error but does not mark it.
                aria-invalid={error ? true : undefined}
                errorProps={{ role: "alert" }}
                visibilityToggleButtonProps={{ "aria-label": "Show or hide the key" }}
              />
              <Button type="submit" fullWidth disabled={busy || apiKey.trim() === ""}>
                {busy ? "Signing in…" : "Sign in"}
              </Button>
            </Stack>
          </form>
        </Paper>
        <Stack gap="xs" mt="lg" px="xs">
          <Text size="sm" fw={600}>
            Where does a key come from?
          </Text>
          <List size="sm" spacing={4} c="dimmed">
            <List.Item>
              On its first start the server prints an admin key once (or uses{" "}
              <Code>PROMPTLINE_INIT_ADMIN_KEY</Code> when that is set).
            </List.Item>
            <List.Item>
              An admin creates more in Settings, under API keys: one per person or application, each
              with a role.
            </List.Item>
          </List>
          <Text size="sm" c="dimmed">
            The key is exchanged for a session cookie the page cannot read; it is not stored in the
            browser.
          </Text>
        </Stack>
      </Box>
    </Center>
  );
}
