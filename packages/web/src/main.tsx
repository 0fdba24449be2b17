import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createBrowserRouter, RouterProvider } from "react-router";
import { ApiError } from "./api.js";
import { Layout } from "./Layout.js";
import { PlaygroundPage } from "./playground/PlaygroundPage.js";
import { PromptPage } from "./prompt/PromptPage.js";
import { PromptsPage } from "./prompts/PromptsPage.js";
import { SignInPage } from "./session/SignInPage.js";
import { SettingsPage } from "./settings/SettingsPage.js";
import { TracePage } from "./traces/TracePage.js";
import { TracesPage } from "./traces/TracesPage.js";
import "./styles.css";

/** An ended session sends the person to sign in, from wherever they were. */
function onError(error: unknown) {
  if (error instanceof ApiError && error.status === 401 && location.pathname !== "/sign-in") {
    location.assign(`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`);
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
      retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
    },
  },
});

const router = createBrowserRouter([
  { path: "/sign-in", element: <SignInPage /> },
  {
    path: "/",
    element: <Layout />,
    children: [
      { index: true, element: <PromptsPage /> },
      { path: "prompts/*", element: <PromptPage /> },
      { path: "traces", element: <TracesPage /> },
      { path: "traces/:id", element: <TracePage /> },
      { path: "settings", element: <SettingsPage /> },
      { path: "playground", element: <PlaygroundPage /> },
    ],
  },
]);

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </StrictMode>,
  );
}
