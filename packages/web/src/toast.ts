import { notifications } from "@mantine/notifications";
import { fieldErrors } from "./fieldErrors.js";

/** Says in a corner that something the person asked for is done ("Deployed v3 to production"). */
export function toastDone(message: string): void {
  notifications.show({ message, color: "green", autoClose: 4_000 });
}

/** Says in a corner that an action failed, with the server's words for why. */
export function toastFailed(title: string, error: unknown): void {
  const { fields, general } = fieldErrors(error);
  const message = general ?? Object.values(fields).join(" ");
  notifications.show({ title, message, color: "red", autoClose: 8_000 });
}
