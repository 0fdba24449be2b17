/** What one playground run produced, as it arrives. */
export interface RunState {
  status: "running" | "done" | "error";
  output: string;
  error?: string;
  traceId?: string;
  latencyMs?: number;
  firstTokenMs?: number;
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

/**
 * Runs a chat completion through the gateway with `stream: true`, reporting the text as it
 * arrives (server-sent events read off the fetch body).
 */
export async function streamCompletion(
  body: Record<string, unknown>,
  onUpdate: (state: RunState) => void,
  signal: AbortSignal,
): Promise<RunState> {
  const started = performance.now();
  let state: RunState = { status: "running", output: "" };
  const update = (patch: Partial<RunState>) => {
    state = { ...state, ...patch };
    onUpdate(state);
  };
  const response = await fetch("/v1/chat/completions", {
    method: "POST",
    credentials: "same-origin",
    headers: { "content-type": "application/json", "x-promptline-client": "web" },
    body: JSON.stringify({ ...body, stream: true, stream_options: { include_usage: true } }),
    signal,
  });
  const traceId = response.headers.get("x-promptline-trace-id") ?? undefined;
  if (!response.ok || !response.body) {
    const problem = (await response.json().catch(() => ({}))) as { message?: string };
    update({
      status: "error",
      error: problem.message ?? `the gateway answered ${response.status}`,
      traceId,
    });
    return state;
  }
  update({ traceId });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    const events = buffer.split("\n\n");
    buffer = events.pop() ?? "";
    for (const event of events) {
      const data = event
        .split("\n")
        .filter((line) => line.startsWith("data:"))
        .map((line) => line.slice(5).trim())
        .join("");
      if (!data || data === "[DONE]") continue;
      const chunk = JSON.parse(data) as {
        choices?: Array<{ delta?: { content?: string | null } }>;
        usage?: RunState["usage"];
        error?: { message: string };
      };
      if (chunk.error) {
        update({ status: "error", error: chunk.error.message });
        return state;
      }
      const text = chunk.choices?.[0]?.delta?.content ?? "";
      if (text) {
        update({
          output: state.output + text,
          ...(state.firstTokenMs === undefined && { firstTokenMs: performance.now() - started }),
        });
      }
      if (chunk.usage) update({ usage: chunk.usage });
    }
  }
  update({ status: "done", latencyMs: performance.now() - started });
  return state;
}
