import type { ReactNode } from "react";

/**
 * A box a wide table scrolls in on a narrow screen, so the page itself never runs off to the
 * side. It can be focused, so the keyboard can scroll it too (WCAG 2.1.1).
 */
export function ScrollRegion({ label, children }: { label: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard to be scrolled
    <section className="scroll-region" aria-label={label} tabIndex={0}>
      {children}
    </section>
  );
}
