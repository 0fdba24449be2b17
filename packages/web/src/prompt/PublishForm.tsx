import {
  Alert,
  Badge,
  Button,
  Group,
  List,
  Paper,
  Skeleton,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import type { PromptDetail } from "@promptline/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { api } from "../client.js";
import { toastDone } from "../toast.js";

/**
 * Publishing the saved draft: what version it would make, the suggested bump level and why, and
 * a commit message.
 */
export function PublishForm({
  name,
  detail,
  dirty,
}: {
  name: string;
  detail: PromptDetail;
  /** The editor holds changes not saved yet: there is nothing settled to publish. */
  dirty: boolean;
}) {
  const queryClient = useQueryClient();
  const [commitMessage, setCommitMessage] = useState("");
  const publishing = useRef(false);
  const bump = useQuery({
    queryKey: ["prompt", name, "bump", detail.draftUpdatedAt],
    queryFn: () => api.versions.draftBump(name),
    enabled: !dirty,
  });
  const publish = useMutation({
    mutationFn: () =>
      api.versions.publish(name, {
        commitMessage,
        ...(bump.data?.suggestion && { bump: bump.data.suggestion.level }),
      }),
    onSuccess: (version) => {
      setCommitMessage("");
      toastDone(`Published v${version.version} (${version.semver}).`);
      void queryClient.invalidateQueries({ queryKey: ["prompt", name] });
    },
  });

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="publish-title">
      <Title order={3} id="publish-title" mb="xs">
        Publish
      </Title>
      {publish.data && <p role="status">Published v{publish.data.version}.</p>}
      {dirty ? (
        <Text c="dimmed">Save the draft to see what publishing it would be.</Text>
      ) : bump.isPending ? (
        <Skeleton
          height={18}
          width="60%"
          aria-label="Comparing the draft with the latest version"
        />
      ) : bump.isError ? (
        <Alert color="red" role="alert">
          {bump.error.message}
        </Alert>
      ) : bump.data.identicalTo !== null ? (
        <Text c="dimmed">
          The draft is identical to v{bump.data.identicalTo}: nothing to publish.
        </Text>
      ) : (
        <form
          aria-label="Publish the draft"
          onSubmit={(event) => {
            event.preventDefault();
            // One publish at a time: a double click would otherwise send two.
            if (publishing.current) return;
            publishing.current = true;
            publish.mutate(undefined, { onSettled: () => (publishing.current = false) });
          }}
        >
          <Text>
            Publishing makes <strong>{bump.data.nextSemver}</strong>
            {bump.data.suggestion && (
              <>
                {" "}
                — a{" "}
                <Badge variant="light" component="strong">
                  {bump.data.suggestion.level}
                </Badge>{" "}
                change:
              </>
            )}
          </Text>
          {bump.data.suggestion && (
            <List aria-label="Why this bump level" size="sm" my="xs">
              {bump.data.suggestion.reasons.map((r) => (
                <List.Item key={r.reason}>
                  {r.level}: {r.reason}
                </List.Item>
              ))}
            </List>
          )}
          <Group align="end" mt="sm">
            <TextInput
              label="Commit message"
              value={commitMessage}
              onChange={(e) => setCommitMessage(e.currentTarget.value)}
              required
              style={{ flex: 1, minWidth: "14rem" }}
            />
            <Button
              type="submit"
              loading={publish.isPending}
              disabled={commitMessage.trim() === ""}
            >
              Publish
            </Button>
          </Group>
          {publish.isError && (
            <Alert color="red" role="alert" mt="sm">
              {publish.error.message}
            </Alert>
          )}
        </form>
      )}
    </Paper>
  );
}
