import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Link, useNavigate, useSearchParams } from "react-router";
import { api } from "../client.js";
import { useCursorPages } from "../Pager.js";
import { ScrollRegion } from "../ScrollRegion.js";
import { usePageTitle } from "../title.js";
import { TimeRange } from "./TimeRange.js";

const FILTERS = [
  ["prompt", "Prompt"],
  ["version", "Version"],
  ["label", "Environment"],
  ["variant", "Variant"],
  ["model", "Model"],
  ["userId", "User"],
  ["q", "Text"],
] as const;

const money = (usd: number | null) => (usd === null ? "—" : `$${usd.toFixed(6)}`);

/** Calls, newest first, filtered by anything a trace is tagged with. */
export function TracesPage() {
  usePageTitle("Traces");
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const pages = useCursorPages();
  // The filters are the page's own query, as typed: the server says what it cannot read.
  const cursor = pages.cursor;
  // `range` only says which time preset the page shows; `from` and `to` are what is asked.
  const { range = "", ...filters } = Object.fromEntries(params);
  const query = { ...filters, limit: 50, ...(cursor && { cursor }) };
  const traces = useQuery({
    queryKey: ["traces", query],
    queryFn: () => api.traces.list(query),
    placeholderData: keepPreviousData,
  });
  const setFilters = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    pages.reset();
    setParams(next, { replace: true });
  };
  const setFilter = (key: string, value: string) => setFilters({ [key]: value });

  return (
    <section aria-labelledby="traces-title">
      <h1 id="traces-title">Traces</h1>
      <form className="filters" aria-label="Filter traces" onSubmit={(e) => e.preventDefault()}>
        {FILTERS.map(([key, label]) => (
          <label key={key}>
            {label}
            <input
              defaultValue={params.get(key) ?? ""}
              onChange={(e) => setFilter(key, e.target.value.trim())}
            />
          </label>
        ))}
        <TimeRange
          range={range || (params.get("from") || params.get("to") ? "custom" : "")}
          from={params.get("from")}
          to={params.get("to")}
          onChange={setFilters}
        />
        <label>
          Status
          <select
            value={params.get("status") ?? ""}
            onChange={(e) => setFilter("status", e.target.value)}
          >
            <option value="">any</option>
            <option value="ok">ok</option>
            <option value="error">error</option>
          </select>
        </label>
        <label>
          Origin
          <select
            value={params.get("origin") ?? ""}
            onChange={(e) => setFilter("origin", e.target.value)}
          >
            <option value="">any</option>
            <option value="production">applications</option>
            <option value="playground">playground</option>
          </select>
        </label>
        <label>
          Feedback
          <select
            value={
              params.get("maxScore") === "0" ? "down" : params.get("minScore") === "1" ? "up" : ""
            }
            onChange={(e) => {
              const next = new URLSearchParams(params);
              next.delete("minScore");
              next.delete("maxScore");
              next.delete("scoreName");
              if (e.target.value) {
                next.set("scoreName", "feedback");
                next.set(
                  e.target.value === "up" ? "minScore" : "maxScore",
                  e.target.value === "up" ? "1" : "0",
                );
              }
              pages.reset();
              setParams(next, { replace: true });
            }}
          >
            <option value="">any</option>
            <option value="up">thumbs up</option>
            <option value="down">thumbs down</option>
          </select>
        </label>
      </form>
      {traces.isPending && <p className="loading">Loading traces…</p>}
      {traces.isError && (
        <p role="alert" className="error">
          The traces could not be loaded: {traces.error.message}
        </p>
      )}
      {traces.data && traces.data.items.length === 0 && (
        <p className="empty">
          No trace matches. Calls through the gateway, the SDK or OpenTelemetry appear here.
        </p>
      )}
      {traces.data && traces.data.items.length > 0 && (
        <ScrollRegion label="Traces list">
          <table>
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Prompt</th>
                <th scope="col">Model</th>
                <th scope="col">Status</th>
                <th scope="col">Latency</th>
                <th scope="col">Tokens</th>
                <th scope="col">Cost</th>
                <th scope="col">User</th>
              </tr>
            </thead>
            <tbody>
              {traces.data.items.map((t) => (
                // The whole row opens the trace; its link is there for the keyboard.
                <tr key={t.id} className="opens" onClick={() => navigate(`/traces/${t.id}`)}>
                  <td>
                    <Link to={`/traces/${t.id}`}>{new Date(t.startTime).toLocaleString()}</Link>
                  </td>
                  <td>
                    {t.prompt
                      ? `${t.prompt.name}${t.prompt.version ? ` v${t.prompt.version}` : ""}${t.prompt.label ? ` @${t.prompt.label}` : ""}`
                      : "—"}
                    {t.origin === "playground" && <span className="badge">playground</span>}
                  </td>
                  <td>{t.model ?? "—"}</td>
                  <td className={t.status === "error" ? "error" : undefined}>{t.status}</td>
                  <td>{t.latencyMs === null ? "—" : `${Math.round(t.latencyMs)} ms`}</td>
                  <td>{t.usage.totalTokens ?? "—"}</td>
                  <td>{money(t.cost)}</td>
                  <td>{t.userId ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
      {pages.pager(traces.data?.nextCursor, ["Newer", "Older"])}
    </section>
  );
}
