import { moveToUndo } from "@promptline/core";
import { useMutation } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { actorName } from "../actors.js";
import { api } from "../client.js";
import { ScrollRegion } from "../ScrollRegion.js";
import { type Deployment, useDeployments, useEnvironments } from "./queries.js";

interface Props {
  name: string;
  labels: Record<string, number>;
  versions: number[];
}

/** What a rollback of this environment would do, in words, or why there is nothing to undo. */
function rollbackPlan(environment: string, history: Deployment[], current: number | undefined) {
  const move = moveToUndo(history.filter((d) => d.environment === environment));
  if (!move) return undefined;
  const target = move.fromVersion;
  if (target === null) return undefined;
  const by = history.find((d) => d.id === move.id);
  return {
    target,
    text: `Roll back ${environment} from v${current} to v${target}, undoing the ${by?.kind ?? "move"} to v${move.toVersion} by ${by ? actorName(by.actor) : "?"} at ${by ? new Date(by.createdAt).toLocaleString() : "?"}?`,
  };
}

/** Which version each environment serves; deploy one, roll back with a confirmation. */
export function EnvironmentsPanel({ name, labels, versions }: Props) {
  const environments = useEnvironments();
  const history = useDeployments(name);
  const [choice, setChoice] = useState<Record<string, number>>({});
  const [confirming, setConfirming] = useState<{ environment: string; text: string } | undefined>();
  const dialog = useRef<HTMLDialogElement>(null);
  const move = useMutation({
    mutationFn: (
      action:
        | { kind: "deploy"; environment: string; version: number }
        | { kind: "rollback"; environment: string },
    ) =>
      action.kind === "deploy"
        ? api.deployments.deploy(name, {
            environment: action.environment,
            version: action.version,
          })
        : api.deployments.rollback(name, { environment: action.environment }),
  });

  if (environments.isPending || history.isPending)
    return <p className="loading">Loading environments…</p>;
  if (environments.isError || history.isError) {
    return (
      <p role="alert" className="error">
        The environments could not be loaded: {(environments.error ?? history.error)?.message}
      </p>
    );
  }
  const items = history.data.items;

  return (
    <section aria-labelledby="environments-title">
      <h2 id="environments-title">Environments</h2>
      {move.isError && (
        <p role="alert" className="error">
          {move.error.message}
        </p>
      )}
      <ScrollRegion label="Environments list">
        <table>
          <thead>
            <tr>
              <th scope="col">Environment</th>
              <th scope="col">Serves</th>
              <th scope="col">Deploy</th>
              <th scope="col">Roll back</th>
            </tr>
          </thead>
          <tbody>
            {environments.data.items.map((env) => {
              const current = labels[env.name];
              const plan = rollbackPlan(env.name, items, current);
              const selected = choice[env.name] ?? versions[0];
              return (
                <tr key={env.name} aria-label={`environment ${env.name}`}>
                  <td>
                    {env.name}
                    {env.protected && <span className="tag">protected</span>}
                  </td>
                  <td>{current === undefined ? "—" : `v${current}`}</td>
                  <td>
                    <label>
                      <span className="sr-only">Version to deploy to {env.name}</span>
                      <select
                        value={selected}
                        onChange={(e) =>
                          setChoice({ ...choice, [env.name]: Number(e.target.value) })
                        }
                      >
                        {versions.map((v) => (
                          <option key={v} value={v}>
                            v{v}
                          </option>
                        ))}
                      </select>
                    </label>{" "}
                    <button
                      type="button"
                      disabled={move.isPending || selected === undefined || selected === current}
                      onClick={() => {
                        if (selected !== undefined) {
                          move.mutate({ kind: "deploy", environment: env.name, version: selected });
                        }
                      }}
                    >
                      Deploy to {env.name}
                    </button>
                  </td>
                  <td>
                    <button
                      type="button"
                      disabled={move.isPending || !plan}
                      title={plan ? plan.text : "nothing to roll back"}
                      onClick={() => {
                        if (!plan) return;
                        setConfirming({ environment: env.name, text: plan.text });
                        dialog.current?.showModal();
                      }}
                    >
                      Roll back {env.name}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </ScrollRegion>

      <dialog
        ref={dialog}
        aria-labelledby="rollback-title"
        onClose={() => setConfirming(undefined)}
      >
        <h3 id="rollback-title">Confirm rollback</h3>
        <p>{confirming?.text}</p>
        <button
          type="button"
          onClick={() => {
            if (confirming) move.mutate({ kind: "rollback", environment: confirming.environment });
            dialog.current?.close();
          }}
        >
          Roll back
        </button>{" "}
        <button type="button" onClick={() => dialog.current?.close()}>
          Cancel
        </button>
      </dialog>

      <h2>Deployment timeline</h2>
      {items.length === 0 ? (
        <p className="empty">No deployments yet.</p>
      ) : (
        <ol className="timeline" aria-label="Deployment timeline">
          {items.map((d) => (
            <li key={d.id}>
              <time dateTime={d.createdAt}>{new Date(d.createdAt).toLocaleString()}</time>{" "}
              <strong>{actorName(d.actor)}</strong>{" "}
              {d.kind === "rollback" ? "rolled back" : "deployed"} {d.environment}:{" "}
              {d.fromVersion === null ? "—" : `v${d.fromVersion}`} → v{d.toVersion}
              {d.reason && <> — “{d.reason}”</>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
