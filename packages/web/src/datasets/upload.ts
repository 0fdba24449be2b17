/**
 * A file sent to the server as the body of a request, with how much of it has gone: the typed
 * client reads from fetch, which cannot report an upload's progress, so this one request is an
 * XMLHttpRequest — same origin, the session cookie, the client header, and a refusal as the
 * same ApiError the client throws.
 */
import { ApiError, apiErrorOf, CLIENT_HEADER, UnreachableError } from "@promptline/client";
import { http, UNREACHABLE_MESSAGE } from "../client.js";

export interface Upload<T> {
  /** The server's JSON answer, or an ApiError / UnreachableError. */
  done: Promise<T>;
  /** Stops sending; `done` then rejects with an AbortError. */
  abort: () => void;
}

/**
 * POSTs `file` to `path` (with `query`), calling `onProgress` with the fraction sent (0–1) as it
 * goes.
 */
export function uploadFile<T>(
  path: string,
  query: Record<string, string | number | undefined>,
  file: Blob,
  contentType: string,
  onProgress: (fraction: number) => void,
): Upload<T> {
  const request = new XMLHttpRequest();
  const done = new Promise<T>((resolve, reject) => {
    request.open("POST", http.url(path, query));
    request.withCredentials = true;
    request.setRequestHeader(CLIENT_HEADER, "web");
    request.setRequestHeader("content-type", contentType);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      if (request.status >= 200 && request.status < 300) {
        try {
          resolve((request.responseText ? JSON.parse(request.responseText) : undefined) as T);
        } catch {
          reject(
            new ApiError(request.status, {
              status: request.status,
              code: "unreadable",
              message: "the server's answer could not be read",
            }),
          );
        }
        return;
      }
      // The same reading of a refusal as the client's (problem object, Retry-After).
      const answer = new Response(request.responseText, {
        status: request.status,
        headers: { "retry-after": request.getResponseHeader("retry-after") ?? "" },
      });
      apiErrorOf(answer).then(reject, reject);
    };
    request.onerror = () => reject(new UnreachableError(UNREACHABLE_MESSAGE));
    request.onabort = () => reject(new DOMException("The upload was stopped", "AbortError"));
    request.send(file);
  });
  return { done, abort: () => request.abort() };
}
