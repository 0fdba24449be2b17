import { useEffect } from "react";

/** Names the browser tab after the screen: "Traces · promptline". */
export function usePageTitle(title: string | undefined): void {
  useEffect(() => {
    document.title = title ? `${title} · promptline` : "promptline";
  }, [title]);
}
