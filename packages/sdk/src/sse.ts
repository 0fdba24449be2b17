export interface SseMessage {
  id?: string;
  event?: string;
  data: string;
}

/**
 * Reads server-sent events from a response body, calling `onMessage` per event, `onRetry` when
 * the server sets a reconnection delay and `onData` on anything received (heartbeats included).
 * Resolves when the stream ends.
 */
export async function readEventStream(
  body: ReadableStream<Uint8Array>,
  onMessage: (message: SseMessage) => void,
  onRetry: (ms: number) => void,
  onData: () => void = () => {},
): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = "";
  let message: Partial<SseMessage> & { data?: string } = {};
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    onData();
    buffer += decoder.decode(value, { stream: true });
    let newline = buffer.indexOf("\n");
    while (newline >= 0) {
      const line = buffer.slice(0, newline).replace(/\r$/, "");
      buffer = buffer.slice(newline + 1);
      newline = buffer.indexOf("\n");
      if (line === "") {
        if (message.data !== undefined) onMessage(message as SseMessage);
        message = {};
        continue;
      }
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "data")
        message.data = message.data === undefined ? value : `${message.data}\n${value}`;
      else if (field === "id") message.id = value;
      else if (field === "event") message.event = value;
      else if (field === "retry" && /^\d+$/.test(value)) onRetry(Number(value));
    }
  }
}
