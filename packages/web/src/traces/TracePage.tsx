import type { TraceDetail } from "@promptline/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useParams } from "react-router";
import { actorName } from "../actors.js";
import { api } from "../client.js";
import { usePageTitle } from "../title.js";
import { Thumb } from "./Thumb.js";

/** Messages as people read them: role, then text (parts of multi-part content joined). */
function Messages({ value, label }: { value: unknown; label: string }) {
  const list = Array.isArray(value) ? value : value === null || value === undefined ? [] : [value];
  if (list.length === 0) return <p className="empty">None recorded.</p>;
  return (
    <ol className="transcript" aria-label={label}>
      {list.map((m, i) => {
        const message = m as { role?: string; content?: unknown };
        const content =
          typeof message.content === "string"
            ? message.content
            : typeof m === "string"
              ? m
              : JSON.stringify(message.content ?? m, null, 2);
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: a transcript's order is its identity
          <li key={i}>
            <strong>{message.role ?? "text"}</strong>
            <pre>{content}</pre>
          </li>
        );
      })}
    </ol>
  );
}

/** A trace is named after the prompt version that made it, its id shown beside. */
function titleOf(trace: TraceDetail | undefined): string {
  const prompt = trace?.prompt;
  if (!prompt) return "Trace";
  return `${prompt.name}${prompt.version === null ? "" : ` v${prompt.version}`} — trace`;
}

/** One call in full: what was sent and answered, usage, cost, latency, and its feedback. */
export function TracePage() {
  const id = useParams().id ?? "";
  const queryClient = useQueryClient();
  const [comment, setComment] = useState("");
  const trace = useQuery({
    queryKey: ["trace", id],
    queryFn: () => api.traces.get(id),
  });
  const title = titleOf(trace.data);
  usePageTitle(title);
  const feedback = useMutation({
    mutationFn: (value: boolean) =>
      api.traces.score(id, {
        name: "feedback",
        value,
        ...(comment.trim() && { comment: comment.trim() }),
      }),
    onSuccess: () => {
      setComment("");
      void queryClient.invalidateQueries({ queryKey: ["trace", id] });
    },
  });

  if (trace.isPending) return <p className="loading">Loading the trace…</p>;
  if (trace.isError) {
    return (
      <p role="alert" className="error">
        The trace could not be loaded: {trace.error.message}
      </p>
    );
  }
  const t = trace.data;
  return (
    <article aria-labelledby="trace-title">
      <h1 id="trace-title">{title}</h1>
      <dl className="facts">
        <dt>Trace id</dt>
        <dd>
          <code>{t.id}</code>
        </dd>
        <dt>Started</dt>
        <dd>
          <time dateTime={t.startTime}>{new Date(t.startTime).toLocaleString()}</time>
        </dd>
        <dt>Origin</dt>
        <dd>{t.origin === "playground" ? "the playground" : "an application"}</dd>
        <dt>Prompt</dt>
        <dd>
          {t.prompt
            ? `${t.prompt.name} v${t.prompt.version ?? "?"}${t.prompt.label ? ` (${t.prompt.label})` : ""}`
            : "—"}
        </dd>
        <dt>Model</dt>
        <dd>
          {t.model ?? "—"} via {t.provider ?? "—"}
        </dd>
        <dt>Status</dt>
        <dd className={t.status === "error" ? "error" : undefined}>
          {t.status}
          {t.error ? `: ${t.error}` : ""}
        </dd>
        <dt>Latency</dt>
        <dd>
          {t.latencyMs === null ? "—" : `${Math.round(t.latencyMs)} ms`}
          {t.timeToFirstTokenMs !== null && ` (first token ${Math.round(t.timeToFirstTokenMs)} ms)`}
        </dd>
        <dt>Tokens</dt>
        <dd>
          {t.usage.inputTokens ?? "—"} in, {t.usage.outputTokens ?? "—"} out
        </dd>
        <dt>Cost</dt>
        <dd>{t.cost === null ? "—" : `$${t.cost.toFixed(6)}`}</dd>
        <dt>User / session</dt>
        <dd>
          {t.userId ?? "—"} / {t.sessionId ?? "—"}
        </dd>
      </dl>
      <h2>Input</h2>
      <Messages value={t.input} label="Input messages" />
      <h2>Output</h2>
      <Messages value={t.output} label="Output" />
      <h2>Feedback</h2>
      {t.scores.length === 0 ? (
        <p className="empty">No feedback yet.</p>
      ) : (
        <ul aria-label="Scores">
          {t.scores.map((s) => (
            <li key={s.id}>
              {s.name}:{" "}
              {s.name === "feedback" ? (
                s.value >= 1 ? (
                  <>
                    <Thumb up /> up
                  </>
                ) : s.value <= 0 ? (
                  <>
                    <Thumb up={false} /> down
                  </>
                ) : (
                  s.value
                )
              ) : (
                s.value
              )}
              {s.comment && ` — “${s.comment}”`} ({actorName(s.actor)})
            </li>
          ))}
        </ul>
      )}
      <form aria-label="Add feedback" onSubmit={(e) => e.preventDefault()}>
        <label>
          Comment (optional) <input value={comment} onChange={(e) => setComment(e.target.value)} />
        </label>{" "}
        <button type="button" disabled={feedback.isPending} onClick={() => feedback.mutate(true)}>
          <Thumb up /> Thumbs up
        </button>{" "}
        <button type="button" disabled={feedback.isPending} onClick={() => feedback.mutate(false)}>
          <Thumb up={false} /> Thumbs down
        </button>
        {feedback.isError && (
          <p role="alert" className="error">
            {feedback.error.message}
          </p>
        )}
      </form>
    </article>
  );
}
