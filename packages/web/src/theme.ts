import { type CSSVariablesResolver, createTheme } from "@mantine/core";

/**
 * The workspace's look: Mantine's, with shades chosen so every text keeps a WCAG AA contrast
 * (4.5:1) in light and dark alike; the browser tests run axe-core on every screen to hold it.
 */
export const theme = createTheme({
  primaryColor: "blue",
  primaryShade: { light: 8, dark: 8 },
  defaultRadius: "md",
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  headings: { fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" },
  components: {
    Tooltip: { defaultProps: { multiline: true, maw: 320, withArrow: true } },
    Table: { defaultProps: { highlightOnHover: true, verticalSpacing: "xs" } },
    // Mantine's close buttons are drawn crosses with no name of their own.
    Modal: { defaultProps: { closeButtonProps: { "aria-label": "Close" } } },
    Notification: { defaultProps: { closeButtonProps: { "aria-label": "Dismiss" } } },
  },
});

/**
 * Mantine's green, orange, yellow, lime, teal and cyan are too light for text: as a light
 * badge's text, as text, and under white on a filled button they fall below 4.5:1. These are
 * their darkest shade darkened by a further 30 % (5:1 to 9:1 in every use).
 */
const DEEPER = {
  green: "#1e612b",
  orange: "#98320b",
  yellow: "#a15300",
  lime: "#406809",
  teal: "#065940",
  cyan: "#08505d",
};

/** Mantine's dimmed grey is 3.3:1 on white; these are 8:1 and 7.8:1. */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: Object.fromEntries(
    Object.entries(DEEPER).map(([color, hex]) => [`--mantine-color-${color}-filled`, hex]),
  ),
  light: {
    "--mantine-color-dimmed": "var(--mantine-color-gray-7)",
    // Errors beside fields: red-9 is 6.6:1 on white; hovered blue links keep 4.9:1.
    "--mantine-color-error": "var(--mantine-color-red-9)",
    "--mantine-color-blue-light-hover": "var(--mantine-color-blue-1)",
    ...Object.fromEntries(
      Object.entries(DEEPER).flatMap(([color, hex]) => [
        [`--mantine-color-${color}-light-color`, hex],
        [`--mantine-color-${color}-text`, hex],
      ]),
    ),
  },
  dark: {
    "--mantine-color-dimmed": "var(--mantine-color-dark-1)",
    "--mantine-color-error": "var(--mantine-color-red-4)",
  },
});
