import { useQuery } from "@tanstack/react-query";
import { api } from "../client.js";

/** Who is signed in, with which role; an error once the session ends or the server is away. */
export function useSession() {
  return useQuery({
    queryKey: ["session"],
    queryFn: () => api.session.current(),
    retry: false,
    // While the server cannot be reached (or the session has ended), look again every few seconds.
    refetchInterval: (query) => (query.state.status === "error" ? 5_000 : false),
  });
}
