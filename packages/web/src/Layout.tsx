import {
  Alert,
  Anchor,
  AppShell,
  Badge,
  Burger,
  Button,
  Group,
  Menu,
  NavLink,
  Text,
} from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { ApiError } from "@promptline/client";
import { useQueryClient } from "@tanstack/react-query";
import { Link, Navigate, Outlet, useLocation, useNavigate } from "react-router";
import { actorName } from "./actors.js";
import { useChangeFeed } from "./changes.js";
import { api } from "./client.js";
import { Loading } from "./Loading.js";
import { useSession } from "./session/session.js";

/** The screens the navigation offers, and which paths belong to each. */
const SCREENS = [
  {
    to: "/",
    label: "Prompts",
    owns: (path: string) => path === "/" || path.startsWith("/prompts"),
  },
  { to: "/playground", label: "Playground", owns: (path: string) => path === "/playground" },
  { to: "/traces", label: "Traces", owns: (path: string) => path.startsWith("/traces") },
  { to: "/datasets", label: "Datasets", owns: (path: string) => path.startsWith("/datasets") },
  {
    to: "/evaluations",
    label: "Evaluations",
    owns: (path: string) => path.startsWith("/evaluations"),
  },
  { to: "/settings", label: "Settings", owns: (path: string) => path === "/settings" },
];

/**
 * The signed-in frame: the navigation (a sidebar on a wide screen, a menu behind a button on a
 * phone), who is signed in with which role, sign out; the page below.
 */
export function Layout() {
  const session = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [navOpen, nav] = useDisclosure(false);
  useChangeFeed(session.isSuccess);

  const here = location.pathname + location.search;
  const ended = session.error instanceof ApiError && session.error.status === 401;
  if (session.isPending) return <Loading what="your session" />;
  // Never signed in here: straight to sign in. Signed in before: the page stays (see below).
  if (!session.data) {
    if (ended) return <Navigate to={`/sign-in?next=${encodeURIComponent(here)}`} replace />;
    return (
      <Alert color="red" title="The server cannot be reached" m="lg">
        <Text mb="sm">{session.error?.message}</Text>
        <Button onClick={() => session.refetch()} loading={session.isFetching}>
          Try again
        </Button>
      </Alert>
    );
  }

  async function signOut() {
    await api.session.signOut();
    queryClient.clear();
    navigate("/sign-in");
  }

  const who = actorName(session.data.actor);
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 200, breakpoint: "sm", collapsed: { mobile: !navOpen } }}
      padding={{ base: "sm", sm: "lg" }}
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={navOpen}
              onClick={nav.toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={navOpen ? "Close the navigation" : "Open the navigation"}
            />
            <Text component={Link} to="/" fw={700} size="lg" c="inherit" td="none">
              promptline
            </Text>
          </Group>
          <Menu position="bottom-end" width={220}>
            <Menu.Target>
              <Button
                variant="subtle"
                color="gray"
                size="compact-md"
                maw="60vw"
                rightSection={
                  <Badge variant="light" size="sm">
                    {session.data.role}
                  </Badge>
                }
              >
                <Text span truncate="end" size="sm">
                  {who}
                </Text>
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Label>
                Signed in with the key {who}, whose role is {session.data.role}
              </Menu.Label>
              <Menu.Item onClick={signOut}>Sign out</Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main">
        {SCREENS.map((screen) => (
          <NavLink
            key={screen.to}
            component={Link}
            to={screen.to}
            label={screen.label}
            active={screen.owns(location.pathname)}
            aria-current={screen.owns(location.pathname) ? "page" : undefined}
            onClick={nav.close}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        {session.isError && (
          // What is on the page (an unsaved draft) stays: signing in again happens in a new tab.
          <Alert
            color={ended ? "orange" : "red"}
            role="alert"
            mb="md"
            title={ended ? "Your session has ended" : "The server cannot be reached"}
          >
            {ended ? (
              <>
                Signed out elsewhere, expired, or its key was revoked. Nothing on this page is lost:{" "}
                <Anchor href={`/sign-in?next=${encodeURIComponent(here)}`} target="_blank">
                  sign in again in a new tab
                </Anchor>
                , then come back and carry on.
              </>
            ) : (
              <>
                {session.error.message} Nothing on this page is lost; it carries on when the server
                answers again.
              </>
            )}
          </Alert>
        )}
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
