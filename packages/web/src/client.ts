import {
  createApi,
  type RequestOptions,
  Transport,
  type TransportOptions,
  UnreachableError,
} from "@promptline/client";

/** What a person is told when the page cannot talk to the server it was loaded from. */
export const UNREACHABLE_MESSAGE =
  "the promptline server cannot be reached — check that it is running";

/**
 * The workspace's transport: same origin, the session cookie and the client header. A server
 * that cannot be reached is said so in the workspace's words; one that is too slow keeps the
 * client's, which says how long it waited.
 */
class WorkspaceTransport extends Transport {
  override async send(method: string, path: string, options?: RequestOptions): Promise<Response> {
    try {
      return await super.send(method, path, options);
    } catch (error) {
      if (error instanceof UnreachableError && !timedOut(error)) {
        throw new UnreachableError(UNREACHABLE_MESSAGE, { cause: error });
      }
      throw error;
    }
  }
}

function timedOut(error: UnreachableError): boolean {
  return error.cause instanceof Error && error.cause.name === "TimeoutError";
}

/** A transport speaking for the workspace; tests point one at a server of their own. */
export function workspaceTransport(options: TransportOptions = {}): Transport {
  return new WorkspaceTransport(options);
}

/** HTTP for what the typed API has no method for (the gateway's streamed completions). */
export const http = workspaceTransport();

/** The promptline API, one typed method per endpoint. */
export const api = createApi(http);
