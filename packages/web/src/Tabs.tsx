import { type KeyboardEvent, type ReactNode, useId, useState } from "react";

export interface Tab {
  key: string;
  label: string;
  render: () => ReactNode;
}

/**
 * Tabs as the WAI-ARIA pattern has them (arrow keys, Home and End move between tabs). A tab's
 * panel is rendered the first time it is shown and kept afterwards, hidden, so what was typed
 * in one (an unsaved draft) survives a look at another.
 */
export function Tabs({
  label,
  tabs,
  current,
  onSelect,
}: {
  label: string;
  tabs: Tab[];
  current: string;
  onSelect: (key: string) => void;
}) {
  const id = useId();
  const [shown, setShown] = useState<Set<string>>(() => new Set([current]));
  if (!shown.has(current)) setShown(new Set([...shown, current]));
  const index = Math.max(
    0,
    tabs.findIndex((tab) => tab.key === current),
  );
  const onKeyDown = (event: KeyboardEvent) => {
    const next =
      event.key === "ArrowRight"
        ? (index + 1) % tabs.length
        : event.key === "ArrowLeft"
          ? (index - 1 + tabs.length) % tabs.length
          : event.key === "Home"
            ? 0
            : event.key === "End"
              ? tabs.length - 1
              : undefined;
    if (next === undefined) return;
    event.preventDefault();
    const tab = tabs[next];
    if (tab) {
      onSelect(tab.key);
      document.getElementById(`${id}-tab-${tab.key}`)?.focus();
    }
  };
  return (
    <>
      <div role="tablist" aria-label={label} className="tabs" onKeyDown={onKeyDown}>
        {tabs.map((tab) => (
          <button
            key={tab.key}
            type="button"
            role="tab"
            id={`${id}-tab-${tab.key}`}
            aria-selected={tab.key === current}
            aria-controls={`${id}-panel-${tab.key}`}
            tabIndex={tab.key === current ? 0 : -1}
            onClick={() => onSelect(tab.key)}
          >
            {tab.label}
          </button>
        ))}
      </div>
      {tabs.map((tab) =>
        shown.has(tab.key) ? (
          <div
            key={tab.key}
            role="tabpanel"
            id={`${id}-panel-${tab.key}`}
            aria-labelledby={`${id}-tab-${tab.key}`}
            hidden={tab.key !== current}
          >
            {tab.render()}
          </div>
        ) : null,
      )}
    </>
  );
}
