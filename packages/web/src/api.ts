import type { Problem } from "@promptline/core";

/** An API answer that was not 2xx, with the words the server chose for the person. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.message);
  }
}

/**
 * Calls the promptline API with the session cookie. Changes carry the client header the server
 * requires of cookie sessions (a cross-site form cannot send it).
 */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: {
        "x-promptline-client": "web",
        ...(body !== undefined && { "content-type": "application/json" }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, {
      status: 0,
      code: "unreachable",
      message: "the promptline server cannot be reached — check that it is running",
    });
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // Not the API answering (a proxy's error page, say): say so rather than show a parse error.
    parsed = undefined;
    if (response.ok) {
      throw new ApiError(response.status, {
        status: response.status,
        code: "unreadable",
        message:
          "the server's answer could not be read — is something else answering at this address?",
      });
    }
  }
  if (!response.ok) {
    const problem =
      parsed && typeof parsed === "object" && "message" in parsed
        ? (parsed as Problem)
        : {
            status: response.status,
            code: "error",
            message: `the server answered ${response.status}`,
          };
    throw new ApiError(response.status, problem);
  }
  return parsed as T;
}
