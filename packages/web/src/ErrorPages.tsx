import { Button, Code, Container, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { isRouteErrorResponse, Link, useLocation, useRouteError } from "react-router";
import { usePageTitle } from "./title.js";

/** Any address the workspace has no screen for, inside the signed-in frame. */
export function NotFoundPage() {
  usePageTitle("Page not found");
  const location = useLocation();
  return (
    <Container size="sm" py="xl" component="section" aria-labelledby="not-found-title">
      <Stack gap="md">
        <Text c="dimmed" fw={700} size="sm" tt="uppercase">
          404
        </Text>
        <Title order={1} id="not-found-title">
          Page not found
        </Title>
        <Text>
          There is no page at <Code style={{ overflowWrap: "anywhere" }}>{location.pathname}</Code>.
          It may have been a link to a prompt or trace that was renamed, or a mistyped address.
        </Text>
        <Group gap="sm">
          <Button component={Link} to="/">
            Go to the prompts
          </Button>
          <Button component={Link} to="/traces" variant="default">
            See the traces
          </Button>
        </Group>
      </Stack>
    </Container>
  );
}

/** What a screen that failed to load or render shows instead of the router's developer page. */
export function RouteErrorPage() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : error instanceof Error
      ? error.message
      : "an unknown error";
  return (
    <Container component="main" size="sm" py="xl" aria-labelledby="error-title">
      <Paper withBorder shadow="sm" p="xl" mt="10vh">
        <Stack gap="md">
          <Text fw={700} size="lg">
            promptline
          </Text>
          <Title order={1} id="error-title">
            Something went wrong
          </Title>
          <Text>
            This page could not be shown (
            <Code style={{ overflowWrap: "anywhere" }}>{message}</Code>
            ). Reloading often helps after promptline was updated; if it keeps happening, the
            server's log says more.
          </Text>
          <Group gap="sm">
            <Button onClick={() => location.reload()}>Reload</Button>
            <Button component="a" href="/" variant="default">
              Go to the prompts
            </Button>
          </Group>
        </Stack>
      </Paper>
    </Container>
  );
}
