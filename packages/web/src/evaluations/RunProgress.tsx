import { Alert, Badge, Button, Group, Paper, Progress, Stack, Text } from "@mantine/core";
import { can, type EvalRun } from "@promptline/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../client.js";
import { useSession } from "../session/session.js";
import { toastDone, toastFailed } from "../toast.js";
import { statusColour } from "./format.js";
import { isActive } from "./queries.js";

/** What a status means for a person watching. */
const STATUS_WORDS: Record<EvalRun["status"], string> = {
  queued: "Queued: waiting for a worker.",
  running: "Running: results arrive as each call finishes.",
  completed: "Finished.",
  failed: "Stopped by an error.",
  cancelled: "Cancelled: what finished is kept; resume to run the rest.",
};

/**
 * How far a run got: a bar with done of total and how many calls failed, updating while it runs;
 * Cancel while it runs and Resume once stopped (for keys that may run evaluations), which carries
 * on without re-running what finished.
 */
export function RunProgress({ run }: { run: EvalRun }) {
  const session = useSession();
  const queryClient = useQueryClient();
  const mayRun = session.data ? can(session.data, "evaluation:run") : false;
  const { total, done, errored } = run.progress;
  const percent = total === 0 ? 0 : Math.round((done / total) * 100);
  const active = isActive(run.status);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["eval-runs"] });
  const cancel = useMutation({
    mutationFn: () => api.evalRuns.cancel(run.id),
    onSuccess: () => {
      toastDone("Cancelled the run; what finished is kept.");
      void refresh();
    },
    onError: (error) => toastFailed("The run could not be cancelled", error),
  });
  const resume = useMutation({
    mutationFn: () => api.evalRuns.resume(run.id),
    onSuccess: () => {
      toastDone("Resumed the run: it carries on from where it stopped.");
      void refresh();
    },
    onError: (error) => toastFailed("The run could not be resumed", error),
  });
  const resumable = run.status === "cancelled" || run.status === "failed";

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="progress-title">
      <Stack gap="sm">
        <Group justify="space-between" gap="sm">
          <Group gap="xs">
            <Text id="progress-title" fw={600}>
              Progress
            </Text>
            <Badge variant="light" color={statusColour(run.status)}>
              {run.status}
            </Badge>
          </Group>
          <Text size="sm" aria-live="polite">
            {done} of {total} done
            {errored > 0 && (
              <Text span c="red" inherit fw={600}>
                {" "}
                · {errored} failed
              </Text>
            )}
          </Text>
        </Group>
        <Progress
          value={percent}
          size="lg"
          striped={active}
          animated={active}
          color={run.status === "failed" ? "red" : errored > 0 ? "orange" : undefined}
          aria-label={`Run progress: ${done} of ${total}`}
        />
        <Text size="sm" c="dimmed">
          {STATUS_WORDS[run.status]}
        </Text>
        {run.error && (
          <Alert color="red" title="Why the run stopped" role="alert">
            {run.error}
          </Alert>
        )}
        {mayRun && (active || resumable) && (
          <Group gap="sm">
            {active && (
              <Button
                variant="default"
                color="red"
                loading={cancel.isPending}
                onClick={() => cancel.mutate()}
              >
                Cancel run
              </Button>
            )}
            {resumable && (
              <Button loading={resume.isPending} onClick={() => resume.mutate()}>
                Resume run
              </Button>
            )}
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
