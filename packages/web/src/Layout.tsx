import { useQueryClient } from "@tanstack/react-query";
import { Navigate, NavLink, Outlet, useLocation, useNavigate } from "react-router";
import { actorName } from "./actors.js";
import { useChangeFeed } from "./changes.js";
import { api } from "./client.js";
import { useSession } from "./session/session.js";

/** The signed-in frame: navigation, who is signed in, sign out; the page below. */
export function Layout() {
  const session = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  useChangeFeed(session.isSuccess);

  if (session.isPending) return <p className="loading">Loading…</p>;
  if (session.isError) {
    return (
      <Navigate
        to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`}
        replace
      />
    );
  }

  async function signOut() {
    await api.session.signOut();
    queryClient.clear();
    navigate("/sign-in");
  }

  return (
    <div className="frame">
      <header>
        <strong className="brand">promptline</strong>
        <nav aria-label="Main">
          <NavLink to="/" end>
            Prompts
          </NavLink>
          <NavLink to="/playground">Playground</NavLink>
          <NavLink to="/traces">Traces</NavLink>
          <NavLink to="/settings">Settings</NavLink>
        </nav>
        <span className="who">
          {actorName(session.data.actor)} · {session.data.role}
        </span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main>
        <Outlet />
      </main>
    </div>
  );
}
