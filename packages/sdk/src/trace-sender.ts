import { ApiError, isRetryable, type Transport } from "@promptline/client";
import type { IngestResult, TraceInput } from "@promptline/core";
import { messageOf, type RejectedTrace, TraceDeliveryError } from "./trace-errors.js";
import type { Buffered } from "./trace-queue.js";

export const INGEST_PATH = "/api/v1/traces";

/** What became of a batch. */
export type BatchOutcome =
  /** Done with: `sent` stored, `rejected` refused for what they hold (told in `problem`). */
  | { kind: "done"; sent: number; rejected: number; problem: TraceDeliveryError | null }
  /** Not delivered (network, timeout, 429, 5xx): keep it for a retry. */
  | { kind: "retry"; problem: TraceDeliveryError }
  /** The server refused the API key (401/403): nothing will ever be accepted. */
  | { kind: "refused"; error: ApiError };

/** Sends one batch of serialised traces and says what became of it; never throws. */
export class TraceSender {
  constructor(private readonly http: Transport) {}

  async send(batch: Buffered[]): Promise<BatchOutcome> {
    let result: IngestResult;
    try {
      result = await this.http.json<IngestResult>("POST", INGEST_PATH, {
        jsonText: `{"traces":[${batch.map((t) => t.json).join(",")}]}`,
      });
    } catch (error) {
      return this.failed(error, batch.length);
    }
    if (result.rejected.length === 0) {
      return { kind: "done", sent: result.accepted, rejected: 0, problem: null };
    }
    const rejections = result.rejected.map(({ index, id, reasons }): RejectedTrace => {
      const sent = batch[index];
      return {
        id: sent?.id ?? id ?? "",
        reasons,
        ...(sent && { trace: JSON.parse(sent.json) as TraceInput }),
      };
    });
    return {
      kind: "done",
      sent: result.accepted,
      rejected: rejections.length,
      problem: new TraceDeliveryError(
        "rejected",
        `the server rejected ${rejections.length} of ${batch.length} traces: ${rejections[0]?.reasons.join("; ")}`,
        rejections.length,
        rejections,
      ),
    };
  }

  private failed(error: unknown, traces: number): BatchOutcome {
    // An answer below 400 that could not be read may have stored the batch: ids make a retry safe.
    if (!(error instanceof ApiError) || error.status < 400 || isRetryable(error.status)) {
      return {
        kind: "retry",
        problem: new TraceDeliveryError(
          "unreachable",
          `could not deliver ${traces} traces (${messageOf(error)}); they stay buffered and are retried`,
          traces,
          [],
          { cause: error },
        ),
      };
    }
    if (error.status === 401 || error.status === 403) return { kind: "refused", error };
    return {
      kind: "done",
      sent: 0,
      rejected: traces,
      problem: new TraceDeliveryError(
        "rejected",
        `the server refused a batch of ${traces} traces (${error.status}: ${error.message})`,
        traces,
        [],
        { cause: error },
      ),
    };
  }
}
