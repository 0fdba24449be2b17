import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "react-router";
import { useSession } from "../session/session.js";
import { createExample, EXAMPLE_PROMPT } from "./example.js";

/** In an empty workspace: one click makes an example, so every screen has something to show. */
export function ExampleOffer({ onActive }: { onActive: (active: boolean) => void }) {
  const session = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: () => {
      onActive(true);
      return createExample();
    },
    onSuccess: async () => {
      onActive(false);
      await queryClient.invalidateQueries();
      navigate(`/prompts/${EXAMPLE_PROMPT}`);
    },
  });
  const admin = session.data?.role === "admin";
  return (
    <section aria-labelledby="example-title" className="example-offer">
      <h2 id="example-title">New here?</h2>
      <p>
        Create an example to look around: a prompt with two versions (production serves v1, staging
        v2), a connection of the <code>echo</code> kind that answers without any LLM, and a day of
        traces with feedback.
      </p>
      <button type="button" disabled={!admin || create.isPending} onClick={() => create.mutate()}>
        {create.isPending ? "Creating the example…" : "Create an example"}
      </button>
      {!admin && session.data && (
        <p className="hint">
          Creating the example needs an admin key (it adds a connection and deploys to production);
          yours has the '{session.data.role}' role.
        </p>
      )}
      {create.isError && (
        <p role="alert" className="error">
          The example was not finished: {create.error.message}. Creating it again completes it.
        </p>
      )}
    </section>
  );
}
