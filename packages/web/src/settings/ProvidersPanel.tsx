import type { ProviderKind } from "@promptline/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ConfirmDialog } from "../ConfirmDialog.js";
import { api } from "../client.js";
import { FieldError, invalidProps } from "../FieldError.js";
import { fieldErrors } from "../fieldErrors.js";
import { useProviders } from "../prompt/queries.js";
import { ScrollRegion } from "../ScrollRegion.js";

/** Provider connections: keys are write-only and shown masked. */
export function ProvidersPanel() {
  const queryClient = useQueryClient();
  const [form, setForm] = useState<{
    name: string;
    kind: ProviderKind;
    baseUrl: string;
    apiKey: string;
    defaultModel: string;
  }>({
    name: "",
    kind: "openai",
    baseUrl: "",
    apiKey: "",
    defaultModel: "",
  });
  const providers = useProviders();
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["providers"] });
  const add = useMutation({
    mutationFn: () =>
      api.providers.create({
        name: form.name.trim(),
        kind: form.kind,
        ...(form.baseUrl.trim() && { baseUrl: form.baseUrl.trim() }),
        ...(form.apiKey.trim() && { apiKey: form.apiKey.trim() }),
        ...(form.defaultModel.trim() && { defaultModel: form.defaultModel.trim() }),
      }),
    onSuccess: () => {
      setForm({ name: "", kind: "openai", baseUrl: "", apiKey: "", defaultModel: "" });
      void refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (name: string) => api.providers.remove(name),
    onSuccess: refresh,
  });
  const [removing, setRemoving] = useState<string | undefined>();
  // What the server refused, beside the field it is about.
  const refused = add.isError ? fieldErrors(add.error) : undefined;
  const field = (key: keyof typeof form, label: string, type = "text") => {
    const error = refused?.fields[key];
    return (
      <label>
        {label}{" "}
        <input
          type={type}
          autoComplete="off"
          value={form[key]}
          onChange={(e) => setForm({ ...form, [key]: e.target.value })}
          {...invalidProps(`provider-${key}-error`, error)}
        />
        <FieldError id={`provider-${key}-error`} error={error} />
      </label>
    );
  };

  return (
    <section aria-labelledby="providers-title">
      <h2 id="providers-title">Provider connections</h2>
      {providers.isError && (
        <p role="alert" className="error">
          {providers.error.message}
        </p>
      )}
      {providers.data && providers.data.items.length === 0 && (
        <p className="empty">No provider yet: the gateway and the playground need one.</p>
      )}
      {providers.data && providers.data.items.length > 0 && (
        <ScrollRegion label="Provider connections list">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col">Base URL</th>
                <th scope="col">Key</th>
                <th scope="col">Default model</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {providers.data.items.map((p) => (
                <tr key={p.name} aria-label={`provider ${p.name}`}>
                  <td>{p.name}</td>
                  <td>{p.kind}</td>
                  <td>{p.baseUrl ?? "default"}</td>
                  <td>{p.hasApiKey ? p.apiKeyHint : "none"}</td>
                  <td>{p.defaultModel ?? "—"}</td>
                  <td>
                    <button type="button" onClick={() => setRemoving(p.name)}>
                      Remove {p.name}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
      <form
        aria-label="Connect a provider"
        className="filters"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          add.mutate();
        }}
      >
        {field("name", "Name")}
        <label>
          Kind{" "}
          <select
            value={form.kind}
            onChange={(e) => setForm({ ...form, kind: e.target.value as ProviderKind })}
          >
            <option value="openai">OpenAI-compatible</option>
            <option value="anthropic">Anthropic</option>
            <option value="echo">echo (dry runs)</option>
          </select>
        </label>
        {field("baseUrl", "Base URL")}
        {field("apiKey", "API key (write-only)", "password")}
        {field("defaultModel", "Default model")}
        <button type="submit" disabled={add.isPending || form.name.trim() === ""}>
          Connect
        </button>
      </form>
      <ConfirmDialog
        confirmation={
          removing === undefined
            ? undefined
            : {
                title: "Remove the connection?",
                text: `Remove '${removing}' and its stored key? Gateway calls and playground runs that name it, or prompts whose config names it, are refused until a connection of that name is added again.`,
                action: `Remove ${removing}`,
              }
        }
        onCancel={() => setRemoving(undefined)}
        onConfirm={() => {
          if (removing) remove.mutate(removing);
          setRemoving(undefined);
        }}
      />
      {(refused?.general || remove.isError) && (
        <p role="alert" className="error">
          {refused?.general ?? remove.error?.message}
        </p>
      )}
    </section>
  );
}
