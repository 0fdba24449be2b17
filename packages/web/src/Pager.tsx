import { useState } from "react";

/**
 * Cursor paging as the API offers it (each page names the cursor of the next): the cursors of the
 * pages seen so far, so "back" needs no cursor of its own.
 */
export function useCursorPages() {
  const [cursors, setCursors] = useState<string[]>([]);
  return {
    cursor: cursors.at(-1),
    reset: () => setCursors([]),
    pager: (nextCursor: string | null | undefined, labels: [back: string, forward: string]) => (
      <div className="pager">
        <button
          type="button"
          disabled={cursors.length === 0}
          onClick={() => setCursors((c) => c.slice(0, -1))}
        >
          {labels[0]}
        </button>
        <button
          type="button"
          disabled={!nextCursor}
          onClick={() => {
            if (nextCursor) setCursors((c) => [...c, nextCursor]);
          }}
        >
          {labels[1]}
        </button>
      </div>
    ),
  };
}
