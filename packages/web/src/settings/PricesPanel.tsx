import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "../client.js";
import { ScrollRegion } from "../ScrollRegion.js";

/** Model prices per million tokens: the project's own and the defaults. */
export function PricesPanel() {
  const queryClient = useQueryClient();
  const [form, setForm] = useState({ model: "", input: "", output: "" });
  const prices = useQuery({
    queryKey: ["prices"],
    queryFn: () => api.prices.list(),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["prices"] });
  const set = useMutation({
    mutationFn: () =>
      api.prices.set(form.model.trim(), {
        inputPerMillion: Number(form.input),
        outputPerMillion: Number(form.output),
      }),
    onSuccess: () => {
      setForm({ model: "", input: "", output: "" });
      void refresh();
    },
  });
  const unset = useMutation({
    mutationFn: (model: string) => api.prices.remove(model),
    onSuccess: refresh,
  });

  return (
    <section aria-labelledby="prices-title">
      <h2 id="prices-title">Model prices (USD per million tokens)</h2>
      <form
        aria-label="Set a model price"
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          set.mutate();
        }}
      >
        <label>
          Model{" "}
          <input
            value={form.model}
            onChange={(e) => setForm({ ...form, model: e.target.value })}
            required
          />
        </label>
        <label>
          Input{" "}
          <input
            type="number"
            min="0"
            step="any"
            value={form.input}
            onChange={(e) => setForm({ ...form, input: e.target.value })}
            required
          />
        </label>
        <label>
          Output{" "}
          <input
            type="number"
            min="0"
            step="any"
            value={form.output}
            onChange={(e) => setForm({ ...form, output: e.target.value })}
            required
          />
        </label>
        <button type="submit" disabled={set.isPending}>
          Set price
        </button>
      </form>
      {(set.isError || unset.isError) && (
        <p role="alert" className="error">
          {(set.error ?? unset.error)?.message}
        </p>
      )}
      {prices.data && (
        <ScrollRegion label="Model prices list">
          <table>
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">Input</th>
                <th scope="col">Output</th>
                <th scope="col">Source</th>
              </tr>
            </thead>
            <tbody>
              {prices.data.items.map((p) => (
                <tr key={p.model} aria-label={`price ${p.model}`}>
                  <td>{p.model}</td>
                  <td>${p.inputPerMillion}</td>
                  <td>${p.outputPerMillion}</td>
                  <td>
                    {p.source}
                    {p.source === "project" && (
                      <>
                        {" "}
                        <button type="button" onClick={() => unset.mutate(p.model)}>
                          Restore default for {p.model}
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
    </section>
  );
}
