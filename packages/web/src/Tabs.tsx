import { Tabs as MantineTabs } from "@mantine/core";
import { type ReactNode, useState } from "react";

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
  const [shown, setShown] = useState<Set<string>>(() => new Set([current]));
  if (!shown.has(current)) setShown(new Set([...shown, current]));
  return (
    <MantineTabs
      value={current}
      onChange={(key) => key && onSelect(key)}
      keepMounted
      activateTabWithKeyboard
      my="md"
    >
      <MantineTabs.List aria-label={label} style={{ flexWrap: "wrap" }}>
        {tabs.map((tab) => (
          <MantineTabs.Tab key={tab.key} value={tab.key}>
            {tab.label}
          </MantineTabs.Tab>
        ))}
      </MantineTabs.List>
      {tabs.map((tab) => (
        <MantineTabs.Panel key={tab.key} value={tab.key} pt="md">
          {shown.has(tab.key) ? tab.render() : null}
        </MantineTabs.Panel>
      ))}
    </MantineTabs>
  );
}
