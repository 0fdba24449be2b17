import type { Role } from "@promptline/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ConfirmDialog } from "../ConfirmDialog.js";
import { api } from "../client.js";
import { FieldError, invalidProps } from "../FieldError.js";
import { fieldErrors } from "../fieldErrors.js";
import { ScrollRegion } from "../ScrollRegion.js";

/** API keys: create one with a role (its secret shown once), revoke one. */
export function ApiKeysPanel() {
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const keys = useQuery({
    queryKey: ["api-keys"],
    queryFn: () => api.apiKeys.list(),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["api-keys"] });
  const create = useMutation({
    mutationFn: () => api.apiKeys.create({ name: name.trim(), role }),
    onSuccess: () => {
      setName("");
      void refresh();
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api.apiKeys.revoke(id),
    onSuccess: refresh,
  });
  const [revoking, setRevoking] = useState<{ id: string; name: string } | undefined>();
  const refused = create.isError ? fieldErrors(create.error) : undefined;

  return (
    <section aria-labelledby="keys-title">
      <h2 id="keys-title">API keys</h2>
      {keys.isPending && <p className="loading">Loading keys…</p>}
      {keys.isError && (
        <p role="alert" className="error">
          The keys could not be loaded: {keys.error.message}
        </p>
      )}
      {keys.data && (
        <ScrollRegion label="API keys list">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Key</th>
                <th scope="col">Created</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {keys.data.items.map((k) => (
                <tr key={k.id} aria-label={`key ${k.name}`}>
                  <td>{k.name}</td>
                  <td>{k.role}</td>
                  <td>
                    <code>{k.prefix}…</code>
                  </td>
                  <td>{new Date(k.createdAt).toLocaleString()}</td>
                  <td>
                    {k.revokedAt ? (
                      `revoked ${new Date(k.revokedAt).toLocaleString()}`
                    ) : (
                      <button
                        type="button"
                        disabled={revoke.isPending}
                        onClick={() => setRevoking({ id: k.id, name: k.name })}
                      >
                        Revoke {k.name}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
      <form
        aria-label="Create an API key"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <label>
          Key name{" "}
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            {...invalidProps("key-name-error", refused?.fields.name)}
            required
          />
          <FieldError id="key-name-error" error={refused?.fields.name} />
        </label>{" "}
        <label>
          Role{" "}
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <option value="viewer">viewer (applications)</option>
            <option value="editor">editor</option>
            <option value="admin">admin</option>
          </select>
        </label>{" "}
        <button type="submit" disabled={create.isPending || name.trim() === ""}>
          Create key
        </button>
      </form>
      <ConfirmDialog
        confirmation={
          revoking && {
            title: "Revoke the key?",
            text: `Revoke '${revoking.name}'? Every application, script and browser session using it is refused from now on; this cannot be undone (create a new key instead).`,
            action: `Revoke ${revoking.name} for good`,
          }
        }
        onCancel={() => setRevoking(undefined)}
        onConfirm={() => {
          if (revoking) revoke.mutate(revoking.id);
          setRevoking(undefined);
        }}
      />
      {(refused?.general || revoke.isError) && (
        <p role="alert" className="error">
          {refused?.general ?? revoke.error?.message}
        </p>
      )}
      {create.data && (
        <div role="status" className="secret">
          <p>
            Key <strong>{create.data.name}</strong> ({create.data.role}) — copy it now, it is shown
            only this once:
          </p>
          <code>{create.data.key}</code>
        </div>
      )}
    </section>
  );
}
