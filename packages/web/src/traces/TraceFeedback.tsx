import {
  ActionIcon,
  Alert,
  Badge,
  Group,
  Paper,
  Stack,
  Text,
  TextInput,
  Tooltip,
} from "@mantine/core";
import type { Score } from "@promptline/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { actorName } from "../actors.js";
import { api } from "../client.js";
import { toastDone } from "../toast.js";
import { Thumb } from "./Thumb.js";

/** A score as a badge: feedback as a thumb up or down, any other score as its name and value. */
function ScoreBadge({ score }: { score: Score }) {
  if (score.name === "feedback" && (score.value >= 1 || score.value <= 0)) {
    const up = score.value >= 1;
    // Blue, not green: a light green badge's text falls short of a 4.5:1 contrast.
    return (
      <Badge variant="light" color={up ? "blue" : "red"} tt="none" leftSection={<Thumb up={up} />}>
        feedback: {up ? "up" : "down"}
      </Badge>
    );
  }
  return (
    <Badge variant="light" color="gray" tt="none">
      {score.name}: {score.value}
    </Badge>
  );
}

/** The scores a trace was given, and a thumb up or down (with a comment) to add. */
export function TraceFeedback({ id, scores }: { id: string; scores: Score[] }) {
  const queryClient = useQueryClient();
  const [comment, setComment] = useState("");
  const feedback = useMutation({
    mutationFn: (value: boolean) =>
      api.traces.score(id, {
        name: "feedback",
        value,
        ...(comment.trim() && { comment: comment.trim() }),
      }),
    onSuccess: (_, up) => {
      setComment("");
      toastDone(`Recorded a thumbs ${up ? "up" : "down"} on this trace.`);
      void queryClient.invalidateQueries({ queryKey: ["trace", id] });
    },
  });

  return (
    <Stack gap="sm">
      {scores.length === 0 ? (
        <Text c="dimmed">No feedback or scores yet.</Text>
      ) : (
        <Stack
          component="ul"
          aria-label="Scores"
          gap="xs"
          m={0}
          p={0}
          style={{ listStyle: "none" }}
        >
          {scores.map((s) => (
            <Group component="li" key={s.id} gap="xs" wrap="wrap">
              <ScoreBadge score={s} />
              {s.comment && <Text size="sm">“{s.comment}”</Text>}
              <Text size="sm" c="dimmed">
                ({actorName(s.actor)})
              </Text>
            </Group>
          ))}
        </Stack>
      )}
      <Paper
        withBorder
        p="sm"
        component="form"
        aria-label="Add feedback"
        onSubmit={(e) => e.preventDefault()}
      >
        <Group align="flex-end" gap="sm">
          <TextInput
            label="Comment (optional)"
            value={comment}
            onChange={(e) => setComment(e.currentTarget.value)}
            style={{ flex: "1 1 14rem" }}
          />
          <Group gap="xs">
            {[true, false].map((up) => (
              <Tooltip key={String(up)} label={up ? "Thumbs up" : "Thumbs down"}>
                <ActionIcon
                  size="input-sm"
                  variant="light"
                  color={up ? "green" : "red"}
                  aria-label={up ? "Thumbs up" : "Thumbs down"}
                  loading={feedback.isPending && feedback.variables === up}
                  disabled={feedback.isPending}
                  onClick={() => feedback.mutate(up)}
                >
                  <Thumb up={up} size={18} />
                </ActionIcon>
              </Tooltip>
            ))}
          </Group>
        </Group>
        {feedback.isError && (
          <Alert color="red" mt="sm" title="The feedback could not be recorded">
            {feedback.error.message}
          </Alert>
        )}
      </Paper>
    </Stack>
  );
}
