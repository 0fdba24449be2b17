import { Button, Group, Menu, Text } from "@mantine/core";
import { ApiError } from "@promptline/client";
import { can, JUDGE_TEMPLATES, type JudgeTemplate } from "@promptline/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../client.js";
import { useSession } from "../session/session.js";
import { toastDone, toastFailed } from "../toast.js";

/**
 * The ready judge rubrics (factuality, relevance, tone, safety), copied into the registry as a
 * prompt of the project's own with one click: a judge is a managed prompt, so the copy is
 * versioned, diffed and reviewed like any other. A rubric copied before is used as it is.
 */
export function JudgeTemplates({ onPick }: { onPick: (prompt: string) => void }) {
  const session = useSession();
  const queryClient = useQueryClient();
  const mayWrite = session.data ? can(session.data, "prompt:write") : false;
  const copy = useMutation({
    mutationFn: async (template: JudgeTemplate) => {
      try {
        await api.prompts.create({
          name: template.name,
          type: template.content.type,
          description: template.description,
          tags: ["judge"],
          draft: template.content,
        });
      } catch (error) {
        // Copied before: the project's copy (perhaps edited since) is the judge.
        if (error instanceof ApiError && error.status === 409) return { template, copied: false };
        throw error;
      }
      await api.versions.publish(template.name, {
        commitMessage: `From promptline's "${template.title}" rubric`,
      });
      return { template, copied: true };
    },
    onSuccess: ({ template, copied }) => {
      toastDone(
        copied
          ? `Copied the "${template.title}" rubric to ${template.name}, published as v1.`
          : `${template.name} exists already: the scorer uses it.`,
      );
      void queryClient.invalidateQueries({ queryKey: ["prompts"] });
      onPick(template.name);
    },
    onError: (error) => toastFailed("The rubric could not be copied", error),
  });
  if (!mayWrite) return null;
  return (
    <Group gap="xs" align="center">
      <Text size="xs" c="dimmed">
        No judge yet?
      </Text>
      <Menu position="bottom-start" width={320}>
        <Menu.Target>
          <Button variant="light" size="compact-sm" loading={copy.isPending}>
            Copy a ready rubric
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>Copied into the registry as a prompt of your own</Menu.Label>
          {JUDGE_TEMPLATES.map((template) => (
            <Menu.Item key={template.name} onClick={() => copy.mutate(template)}>
              <Text size="sm" fw={500}>
                {template.title} → {template.name}
              </Text>
              <Text size="xs" c="dimmed">
                {template.description}
              </Text>
            </Menu.Item>
          ))}
        </Menu.Dropdown>
      </Menu>
    </Group>
  );
}
