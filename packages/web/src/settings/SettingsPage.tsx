import { useSession } from "../session/session.js";
import { usePageTitle } from "../title.js";
import { ApiKeysPanel } from "./ApiKeysPanel.js";
import { PricesPanel } from "./PricesPanel.js";
import { ProvidersPanel } from "./ProvidersPanel.js";

/** Provider connections, API keys and model prices; what a role may not change is not offered. */
export function SettingsPage() {
  usePageTitle("Settings");
  const session = useSession();
  const admin = session.data?.role === "admin";
  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      {!admin && (
        <p className="hint">
          Your key's role ({session.data?.role}) can read settings; changing them needs an admin
          key.
        </p>
      )}
      <ProvidersPanel />
      {admin && <ApiKeysPanel />}
      <PricesPanel />
    </section>
  );
}
