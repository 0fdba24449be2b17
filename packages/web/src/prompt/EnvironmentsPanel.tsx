import { labelMoveRefusal, moveToUndo } from "@promptline/core";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { actorName } from "../actors.js";
import { type Confirmation, ConfirmDialog } from "../ConfirmDialog.js";
import { api } from "../client.js";
import { ScrollRegion } from "../ScrollRegion.js";
import { useSession } from "../session/session.js";
import { type Deployment, useDeployments, useEnvironments } from "./queries.js";

type Move =
  | { kind: "deploy"; environment: string; version: number }
  | { kind: "rollback"; environment: string };

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
  const session = useSession();
  const [confirming, setConfirming] = useState<(Confirmation & { move: Move }) | undefined>();
  const move = useMutation({
    mutationFn: ({ move: action, reason }: { move: Move; reason: string }) =>
      action.kind === "deploy"
        ? api.deployments.deploy(name, {
            environment: action.environment,
            version: action.version,
            ...(reason && { reason }),
          })
        : api.deployments.rollback(name, {
            environment: action.environment,
            ...(reason && { reason }),
          }),
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
              // What the signed-in key may not do here, said before anyone clicks.
              const refusal = session.data && labelMoveRefusal(session.data, env);
              return (
                <tr key={env.name} aria-label={`environment ${env.name}`}>
                  <td>
                    {env.name}
                    {env.protected && <span className="tag">protected</span>}
                    {refusal && <p className="hint refusal">{refusal}</p>}
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
                      disabled={
                        Boolean(refusal) ||
                        move.isPending ||
                        selected === undefined ||
                        selected === current
                      }
                      onClick={() => {
                        if (selected === undefined) return;
                        const deploy: Move = {
                          kind: "deploy",
                          environment: env.name,
                          version: selected,
                        };
                        // A protected environment's change is confirmed, with why it is made.
                        if (!env.protected) move.mutate({ move: deploy, reason: "" });
                        else {
                          setConfirming({
                            title: "Confirm deploy",
                            text: `Deploy v${selected} to ${env.name}, which serves ${current === undefined ? "nothing yet" : `v${current}`}? Applications asking for ${env.name} get v${selected} at once.`,
                            action: `Deploy v${selected}`,
                            reason: "required",
                            move: deploy,
                          });
                        }
                      }}
                    >
                      Deploy to {env.name}
                    </button>
                  </td>
                  <td>
                    <button
                      type="button"
                      disabled={Boolean(refusal) || move.isPending || !plan}
                      title={plan ? plan.text : "nothing to roll back"}
                      onClick={() => {
                        if (!plan) return;
                        setConfirming({
                          title: "Confirm rollback",
                          text: plan.text,
                          action: "Roll back",
                          reason: env.protected ? "required" : "optional",
                          move: { kind: "rollback", environment: env.name },
                        });
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

      <ConfirmDialog
        confirmation={confirming}
        onCancel={() => setConfirming(undefined)}
        onConfirm={(reason) => {
          if (confirming) move.mutate({ move: confirming.move, reason });
          setConfirming(undefined);
        }}
      />

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
