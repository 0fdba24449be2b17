import { Box } from "@mantine/core";
import type { ReactNode } from "react";

/**
 * A box a wide table scrolls in on a narrow screen, so the page itself never runs off to the
 * side. It can be focused, so the keyboard can scroll it too (WCAG 2.1.1), and shows the theme's
 * focus ring when it is.
 */
export function ScrollRegion({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Box
      component="section"
      aria-label={label}
      // A scrolling region must be reachable by keyboard to be scrolled.
      tabIndex={0}
      className="mantine-focus-auto"
      maw="100%"
      // The ring inside its own edges, so a frame around it does not clip it; positioned, so
      // what is absolutely placed within (visually hidden text) scrolls with it, not the page.
      pos="relative"
      style={{ overflowX: "auto", outlineOffset: -2 }}
    >
      {children}
    </Box>
  );
}
