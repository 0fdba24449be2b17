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
  },
});

/** Mantine's dimmed grey is 3.3:1 on white; these are 8:1 and 7.8:1. */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: { "--mantine-color-dimmed": "var(--mantine-color-gray-7)" },
  dark: { "--mantine-color-dimmed": "var(--mantine-color-dark-1)" },
});
