import { useQuery } from "@tanstack/react-query";
import { api } from "../api.js";

export interface Session {
  projectId: string;
  role: "admin" | "editor" | "viewer";
  actor: string;
  expiresAt: string;
}

export function useSession() {
  return useQuery({
    queryKey: ["session"],
    queryFn: () => api<Session>("GET", "/api/v1/session"),
    retry: false,
  });
}
