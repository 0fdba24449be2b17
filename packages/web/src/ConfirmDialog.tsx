import { useEffect, useId, useRef, useState } from "react";

export interface Confirmation {
  title: string;
  /** What will happen, in words. */
  text: string;
  /** The confirming button's words ("Roll back", "Revoke"). */
  action: string;
  /** Ask why, for the record: "required" for changes to protected environments. */
  reason?: "optional" | "required";
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
  const dialog = useRef<HTMLDialogElement>(null);
  // Several dialogs can share a screen (settings has two): each names itself by its own title.
  const titleId = useId();
  const [reason, setReason] = useState("");
  useEffect(() => {
    if (confirmation) {
      setReason("");
      if (!dialog.current?.open) dialog.current?.showModal();
    } else dialog.current?.close();
  }, [confirmation]);
  const missingReason = confirmation?.reason === "required" && !reason.trim();
  return (
    <dialog ref={dialog} aria-labelledby={titleId} onClose={onCancel}>
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (!missingReason) onConfirm(reason.trim());
        }}
      >
        <h3 id={titleId}>{confirmation?.title}</h3>
        <p>{confirmation?.text}</p>
        {confirmation?.reason && (
          <p>
            <label>
              Reason{confirmation.reason === "required" ? "" : " (optional)"}
              <br />
              <textarea
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                rows={2}
                maxLength={500}
                placeholder="Why now: what it fixes or what it is waiting for"
              />
            </label>
            {missingReason && (
              <span className="hint">
                <br />A protected environment's change is recorded with why it was made.
              </span>
            )}
          </p>
        )}
        <button type="submit" disabled={missingReason}>
          {confirmation?.action}
        </button>{" "}
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </form>
    </dialog>
  );
}
