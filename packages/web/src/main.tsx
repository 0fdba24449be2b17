import "@mantine/core/styles.css";
import "@mantine/dates/styles.css";
import "@mantine/notifications/styles.css";
import { MantineProvider } from "@mantine/core";
import { Notifications } from "@mantine/notifications";
import { ApiError, UnreachableError } from "@promptline/client";
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { type ComponentType, lazy, StrictMode, Suspense } from "react";
import { createRoot } from "react-dom/client";
import { createBrowserRouter, RouterProvider } from "react-router";
import { NotFoundPage, RouteErrorPage } from "./ErrorPages.js";
import { Layout } from "./Layout.js";
import { Loading } from "./Loading.js";
import { SignInPage } from "./session/SignInPage.js";
import "./styles.css";
import { cssVariablesResolver, theme } from "./theme.js";

/**
 * A screen whose code is fetched the first time it opens: each is its own chunk, so the prompt
 * screen's code editor and charts are not part of what every other screen downloads.
 */
function screen(load: () => Promise<ComponentType>) {
  const Screen = lazy(async () => ({ default: await load() }));
  return (
    <Suspense fallback={<Loading what="the screen" />}>
      <Screen />
    </Suspense>
  );
}

/**
 * A refusal for want of a session makes the frame ask the server again; it then offers to sign in
 * without leaving the page, so unsaved work stays (see Layout).
 */
function onError(error: unknown) {
  if (error instanceof ApiError && error.status === 401) {
    void queryClient.invalidateQueries({ queryKey: ["session"] });
  }
}

const queryClient = new QueryClient({
  // The session query itself is how the frame finds out; it redirects on its own.
  queryCache: new QueryCache({
    onError: (error, query) => {
      if (query.queryKey[0] !== "session") onError(error);
    },
  }),
  mutationCache: new MutationCache({ onError }),
  defaultOptions: {
    queries: {
      // The client already retried what is worth retrying; a refusal or an absent server is final.
      retry: (count, error) =>
        !(error instanceof UnreachableError) &&
        !(error instanceof ApiError && error.status < 500) &&
        count < 2,
    },
  },
});

const router = createBrowserRouter([
  { path: "/sign-in", element: <SignInPage />, errorElement: <RouteErrorPage /> },
  {
    path: "/",
    element: <Layout />,
    errorElement: <RouteErrorPage />,
    children: [
      {
        index: true,
        element: screen(async () => (await import("./prompts/PromptsPage.js")).PromptsPage),
      },
      {
        path: "prompts/*",
        element: screen(async () => (await import("./prompt/PromptPage.js")).PromptPage),
      },
      {
        path: "traces",
        element: screen(async () => (await import("./traces/TracesPage.js")).TracesPage),
      },
      {
        path: "traces/:id",
        element: screen(async () => (await import("./traces/TracePage.js")).TracePage),
      },
      {
        path: "datasets",
        element: screen(async () => (await import("./datasets/DatasetsPage.js")).DatasetsPage),
      },
      {
        path: "datasets/*",
        element: screen(async () => (await import("./datasets/DatasetPage.js")).DatasetPage),
      },
      {
        path: "evaluations",
        element: screen(
          async () => (await import("./evaluations/EvaluationsPage.js")).EvaluationsPage,
        ),
      },
      {
        path: "evaluations/new",
        element: screen(
          async () => (await import("./evaluations/NewEvaluationPage.js")).NewEvaluationPage,
        ),
      },
      {
        path: "evaluations/:id",
        element: screen(async () => (await import("./evaluations/RunPage.js")).RunPage),
      },
      {
        path: "settings",
        element: screen(async () => (await import("./settings/SettingsPage.js")).SettingsPage),
      },
      {
        path: "playground",
        element: screen(
          async () => (await import("./playground/PlaygroundPage.js")).PlaygroundPage,
        ),
      },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
]);

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      {/* The colour scheme follows the system's, light or dark, and changes when it does. */}
      <MantineProvider
        theme={theme}
        cssVariablesResolver={cssVariablesResolver}
        defaultColorScheme="auto"
      >
        <Notifications position="bottom-right" limit={4} />
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </MantineProvider>
    </StrictMode>,
  );
}
