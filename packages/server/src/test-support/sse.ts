/** A test's view of a server-sent event stream: frames as they arrive, parsed. */
export interface SseFrame {
  id?: string;
  event?: string;
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
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = "";
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
            const frame: SseFrame = {};
            for (const line of buffer.slice(0, end).split("\n")) {
              if (line.startsWith(":")) frame.comment = line.slice(1).trim();
              const [field, ...rest] = line.split(": ");
              if (field === "id" || field === "event" || field === "data")
                frame[field] = rest.join(": ");
            }
            frames.push(frame);
            buffer = buffer.slice(end + 2);
          }
        }
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
