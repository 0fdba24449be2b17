import { type SseEvent, sseBatches } from "@promptline/client";
import { describeIdentifiers, type ProviderTarget } from "./types.js";
import { identifiersOfError, secretsOf } from "./untrusted.js";

/** The longest single event an upstream may send (a whole answer fits many times over). */
const MAX_EVENT_CHARS = 16 * 1024 * 1024;

/** Turns upstream events into the OpenAI chunk text the client gets. */
export interface StreamTranslator {
  /** The text to forward for one upstream event; "" forwards nothing. */
  translate(event: SseEvent): string;
  /** True once the upstream said the answer is complete, or sent an error. */
  readonly done: boolean;
  /** The error the upstream reported in the stream, if it did. */
  readonly failure: string | undefined;
}

/**
 * A translator for upstreams whose events carry JSON, which report errors in the stream. An error
 * is told in the server's words with the connection's name: of what the upstream sent, only the
 * error's identifiers that are safe to show (see untrusted.ts).
 */
export abstract class JsonEventTranslator implements StreamTranslator {
  done = false;
  failure: string | undefined;
  private readonly secrets: readonly string[];

  constructor(private readonly target: ProviderTarget) {
    this.secrets = secretsOf(target);
  }

  translate(event: SseEvent): string {
    let data: unknown;
    try {
      data = JSON.parse(event.data);
    } catch {
      return this.fail("sent an event that could not be read");
    }
    return this.translateData(data, event);
  }

  /** `data` is the event's parsed JSON; `event` keeps the text, for forwarding it unchanged. */
  protected abstract translateData(data: unknown, event: SseEvent): string;

  /** Ends the stream with an error event for the `error` object the upstream sent. */
  protected failWith(error: unknown): string {
    const identifiers = identifiersOfError(error, this.secrets);
    return this.fail(`reported an error in its stream${describeIdentifiers(identifiers)}`);
  }

  private fail(what: string): string {
    this.done = true;
    this.failure = `provider '${this.target.name}' ${what}`;
    return errorEvent(this.failure);
  }
}

/** The response body of an upstream call: bytes, and a way to hang up. */
export interface UpstreamBody extends AsyncIterable<Uint8Array> {
  destroy(error?: Error): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
}

export const ABANDONED = "the client stopped reading before the stream ended";
const CUT_SHORT = "the provider's stream ended before the answer was complete";

/** The final event of a stream that failed after it started. */
export function errorEvent(message: string): string {
  return `data: ${JSON.stringify({ error: { message, type: "provider_error" } })}\n\n`;
}

/**
 * Relays an upstream SSE body as translated chunks, as they arrive. `settle` hears exactly once how
 * the stream ended (undefined: complete), including when the consumer stops early: then the upstream
 * connection is closed at once, even if a read is pending.
 */
export function relayStream(
  body: UpstreamBody,
  translator: StreamTranslator,
  settle: (error: string | undefined) => void,
  describeFailure: (error: unknown) => string,
): AsyncIterable<string> {
  let abandoned = false;
  async function* forward(): AsyncGenerator<string> {
    let failure: string | undefined;
    try {
      // The body is read to its end even after [DONE] so that the connection can be reused.
      for await (const events of sseBatches(body, { maxEventChars: MAX_EVENT_CHARS })) {
        let text = "";
        for (const event of events) {
          if (!translator.done) text += translator.translate(event);
        }
        if (text) yield text;
      }
      failure = translator.done ? translator.failure : CUT_SHORT;
      if (failure === CUT_SHORT) yield errorEvent(failure);
    } catch (error) {
      if (abandoned) return;
      failure = describeFailure(error);
      yield errorEvent(failure);
    } finally {
      settle(abandoned ? ABANDONED : failure);
    }
  }
  return abandonable(forward(), () => {
    abandoned = true;
    // Destroying an undici body emits an error, which nobody may be listening for any more.
    body.on("error", () => {});
    body.destroy();
    settle(ABANDONED);
  });
}

/**
 * Wraps a one-shot generator so that return() runs `abandon` first. A generator alone would queue
 * return() behind a pending read, and would skip its finally block if it had not started yet.
 */
export function abandonable(
  source: AsyncGenerator<string>,
  abandon: () => void,
): AsyncIterableIterator<string> {
  const iterator: AsyncIterableIterator<string> = {
    next: () => source.next(),
    async return() {
      abandon();
      return source.return(undefined);
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
