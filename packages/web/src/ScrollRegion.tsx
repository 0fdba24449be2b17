import { Box, Paper, Text } from "@mantine/core";
import { type ReactNode, useEffect, useRef, useState } from "react";

/**
 * A box a wide table scrolls in on a narrow screen, so the page itself never runs off to the
 * side. When what it holds is wider than the box, a line above says so (a phone hides its
 * scrollbars). It can be focused, so the keyboard can scroll it too (WCAG 2.1.1), and shows the
 * theme's focus ring when it is.
 */
export function ScrollRegion({ label, children }: { label: string; children: ReactNode }) {
  const box = useRef<HTMLElement>(null);
  const [wider, setWider] = useState(false);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const measure = () => setWider(element.scrollWidth > element.clientWidth + 1);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    if (element.firstElementChild) observer.observe(element.firstElementChild);
    return () => observer.disconnect();
  }, []);
  return (
    <>
      {wider && (
        <Text size="xs" c="dimmed" ta="right" px="xs" pt={4} aria-hidden="true">
          Scroll sideways for more columns →
        </Text>
      )}
      <Box
        ref={box}
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
    </>
  );
}

/**
 * A table's frame: a bordered card around a ScrollRegion, so every list scrolls sideways the same
 * way on a narrow screen. `dimmed` fades it while a new page loads in its place.
 */
export function TableFrame({
  label,
  dimmed = false,
  children,
}: {
  label: string;
  dimmed?: boolean;
  children: ReactNode;
}) {
  return (
    <Paper withBorder style={{ overflow: "hidden", opacity: dimmed ? 0.6 : 1 }}>
      <ScrollRegion label={label}>{children}</ScrollRegion>
    </Paper>
  );
}
