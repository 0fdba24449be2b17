import { sseBatches } from "@promptline/client";

/** A test's view of a server-sent event stream: frames as they arrive, parsed. */
export interface SseFrame {
  id?: string | undefined;
  event?: string | undefined;
  data?: string;
  comment?: string;
}

export interface SseConnection {
  frames: SseFrame[];
  status: number;
  /** The parsed `data` of every event frame so far. */
  events<T = unknown>(): T[];
  close(): void;
}

export async function openSse(
  url: string,
  headers: Record<string, string>,
): Promise<SseConnection> {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  const frames: SseFrame[] = [];
  if (response.body) {
    const body = response.body;
    void (async () => {
      try {
        const options = {
          onComment: (comment: string) => frames.push({ comment: comment.trim() }),
        };
        for await (const events of sseBatches(body, options)) frames.push(...events);
      } catch {
        // aborted by close()
      }
    })();
  }
  return {
    frames,
    status: response.status,
    events: <T>() => frames.filter((f) => f.data).map((f) => JSON.parse(f.data as string) as T),
    close: () => controller.abort(),
  };
}
