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
      navigate(next?.startsWith("/") && !next.startsWith("//") ? next : "/");
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
    <main className="sign-in">
      <h1>promptline</h1>
      <form onSubmit={submit} aria-label="Sign in">
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autoComplete="off"
          value={apiKey}
          onChange={(e) => setApiKey(e.target.value)}
          placeholder="pl_…"
          required
        />
        <button type="submit" disabled={busy || apiKey.trim() === ""}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
      </form>
      <p className="hint">
        The key is exchanged for a session cookie the page cannot read; it is not stored in the
        browser.
      </p>
    </main>
  );
}
