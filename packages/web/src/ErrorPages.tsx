import { isRouteErrorResponse, Link, useLocation, useRouteError } from "react-router";
import { usePageTitle } from "./title.js";

/** Any address the workspace has no screen for, inside the signed-in frame. */
export function NotFoundPage() {
  usePageTitle("Page not found");
  const location = useLocation();
  return (
    <section aria-labelledby="not-found-title">
      <h1 id="not-found-title">Page not found</h1>
      <p>
        There is no page at <code>{location.pathname}</code>. It may have been a link to a prompt or
        trace that was renamed, or a mistyped address.
      </p>
      <p>
        <Link to="/">Go to the prompts</Link> · <Link to="/traces">See the traces</Link>
      </p>
    </section>
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
    <main className="error-page" aria-labelledby="error-title">
      <h1 id="error-title">Something went wrong</h1>
      <p>
        This page could not be shown ({message}). Reloading often helps after promptline was
        updated; if it keeps happening, the server's log says more.
      </p>
      <p>
        <button type="button" onClick={() => location.reload()}>
          Reload
        </button>{" "}
        <a href="/">Go to the prompts</a>
      </p>
    </main>
  );
}
