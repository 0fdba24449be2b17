import { useEffect, useRef } from "react";

/** "Ctrl" or, on a Mac, "⌘": how the screens name the key their shortcuts use. */
export const MOD =
  typeof navigator !== "undefined" && /Mac|iP(hone|ad)/.test(navigator.platform) ? "⌘" : "Ctrl";

/**
 * Runs `action` when Ctrl (⌘ on a Mac) and `key` are pressed anywhere on the page, instead of
 * what the browser would do (Ctrl+S saving the page). `action` decides whether it can act now.
 */
export function useShortcut(key: string, action: () => void): void {
  const latest = useRef(action);
  latest.current = action;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
      if (event.key.toLowerCase() !== key.toLowerCase()) return;
      event.preventDefault();
      latest.current();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [key]);
}
