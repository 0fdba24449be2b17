import { Button, Group, Modal, Text, Textarea } from "@mantine/core";
import { useEffect, useState } from "react";

export interface Confirmation {
  title: string;
  /** What will happen, in words. */
  text: string;
  /** The confirming button's words ("Roll back", "Revoke"). */
  action: string;
  /** Ask why, for the record: "required" for changes to protected environments. */
  reason?: "optional" | "required";
  /** A change that removes something, shown in red. */
  danger?: boolean;
}

/**
 * A modal that says what a change will do before it is made, optionally asking why (the reason
 * goes into the deployment history). `onConfirm` gets the reason, trimmed ("" when none).
 */
export function ConfirmDialog({
  confirmation,
  onConfirm,
  onCancel,
}: {
  confirmation: Confirmation | undefined;
  onConfirm: (reason: string) => void;
  onCancel: () => void;
}) {
  const [reason, setReason] = useState("");
  // The last confirmation stays on screen while the modal fades out.
  const [shown, setShown] = useState(confirmation);
  useEffect(() => {
    if (confirmation) {
      setReason("");
      setShown(confirmation);
    }
  }, [confirmation]);
  const missingReason = shown?.reason === "required" && !reason.trim();
  return (
    <Modal opened={confirmation !== undefined} onClose={onCancel} title={shown?.title} centered>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!missingReason) onConfirm(reason.trim());
        }}
      >
        <Text mb="md">{shown?.text}</Text>
        {shown?.reason && (
          <Textarea
            label={shown.reason === "required" ? "Reason" : "Reason (optional)"}
            withAsterisk={shown.reason === "required"}
            description={
              shown.reason === "required"
                ? "A protected environment's change is recorded with why it was made."
                : "Recorded in the deployment history."
            }
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            autosize
            minRows={2}
            maxLength={500}
            placeholder="Why now: what it fixes or what it is waiting for"
            data-autofocus
            mb="md"
          />
        )}
        <Group justify="flex-end">
          {missingReason && (
            <Text size="sm" c="dimmed" mr="auto">
              Say why first.
            </Text>
          )}
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" disabled={missingReason} color={shown?.danger ? "red" : undefined}>
            {shown?.action}
          </Button>
        </Group>
      </form>
    </Modal>
  );
}
