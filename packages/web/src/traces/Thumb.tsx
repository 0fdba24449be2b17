/** A thumb drawn as an icon (emoji depend on the fonts installed), pointing up or down. */
export function Thumb({ up, size = "1em" }: { up: boolean; size?: string | number }) {
  return (
    <svg
      viewBox="0 0 24 24"
      width={size}
      height={size}
      aria-hidden="true"
      style={{ verticalAlign: "-0.125em", ...(up ? {} : { transform: "rotate(180deg)" }) }}
    >
      <path
        d="M7 11v9H4v-9h3Zm2 9V10.5l4.2-6.3a1.6 1.6 0 0 1 2.9 1.2L15 10h4.4a2 2 0 0 1 2 2.3l-1.2 6A2 2 0 0 1 18.2 20H9Z"
        fill="currentColor"
      />
    </svg>
  );
}
