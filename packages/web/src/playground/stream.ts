import { sseEvents, type Transport } from "@promptline/client";
import type { GatewayRequest } from "@promptline/core";

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

/** The parts of an OpenAI chat.completion.chunk (or the gateway's error event) a run shows. */
interface CompletionChunk {
  choices?: Array<{ delta?: { content?: string | null } }>;
  usage?: RunState["usage"];
  error?: { message: string };
}

/**
 * Runs a chat completion through the gateway with `stream: true`, reporting the text as it
 * arrives. Never throws: a refusal, a lost connection or an error event ends the run in error.
 */
export async function streamCompletion(
  http: Transport,
  request: Omit<GatewayRequest, "stream">,
  onUpdate: (state: RunState) => void,
  signal: AbortSignal,
): Promise<RunState> {
  const started = performance.now();
  let state: RunState = { status: "running", output: "" };
  const update = (patch: Partial<RunState>) => {
    state = { ...state, ...patch };
    onUpdate(state);
  };
  try {
    const response = await http.send("POST", "/v1/chat/completions", {
      body: { ...request, stream: true, stream_options: { include_usage: true } },
      signal,
      // A run streams for as long as the model writes.
      timeoutMs: 0,
    });
    update({ traceId: response.headers.get("x-promptline-trace-id") ?? undefined });
    if (!response.body) throw new Error(`the gateway answered ${response.status} without a body`);
    for await (const event of sseEvents(response.body)) {
      if (!event.data || event.data === "[DONE]") continue;
      const chunk = JSON.parse(event.data) as CompletionChunk;
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
  } catch (error) {
    update({ status: "error", error: (error as Error).message });
    return state;
  }
  update({ status: "done", latencyMs: performance.now() - started });
  return state;
}
