import { Alert, Box, Stack, Text, Title } from "@mantine/core";
import { GatePolicyPanel } from "../gates/GatePolicyPanel.js";
import { useSession } from "../session/session.js";
import { usePageTitle } from "../title.js";
import { ApiKeysPanel } from "./ApiKeysPanel.js";
import { PricesPanel } from "./PricesPanel.js";
import { ProvidersPanel } from "./ProvidersPanel.js";

/**
 * Provider connections, API keys and model prices; what a role may not change is not offered,
 * and says so where it would be.
 */
export function SettingsPage() {
  usePageTitle("Settings");
  const session = useSession();
  const admin = session.data?.role === "admin";
  return (
    <Box component="section" aria-labelledby="settings-title" maw={1100}>
      <Title order={1} id="settings-title">
        Settings
      </Title>
      <Text c="dimmed" size="sm" mb="lg">
        The project's provider connections, API keys, model prices and gate policies.
      </Text>
      {!admin && session.data && (
        <Alert variant="light" color="gray" mb="lg" title="Read-only">
          Your key's role ({session.data.role}) can read settings; changing them needs an admin key.
        </Alert>
      )}
      <Stack gap={48}>
        <ProvidersPanel
          readOnly={admin ? undefined : "Connecting and removing providers needs an admin key."}
        />
        {admin && <ApiKeysPanel />}
        <PricesPanel
          readOnly={admin ? undefined : "Setting and restoring prices needs an admin key."}
        />
        <GatePolicyPanel
          readOnly={admin ? undefined : "Setting and removing gate policies needs an admin key."}
        />
      </Stack>
    </Box>
  );
}
