import { useQuery } from "@tanstack/react-query";
import { api } from "../client.js";

export function useSession() {
  return useQuery({
    queryKey: ["session"],
    queryFn: () => api.session.current(),
    retry: false,
  });
}
