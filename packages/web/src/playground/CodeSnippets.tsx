import {
  Accordion,
  Box,
  Button,
  Code,
  CopyButton,
  Tabs,
  Text,
  VisuallyHidden,
} from "@mantine/core";
import { snippets } from "./snippets.js";

const TITLES = {
  sdk: "promptline SDK",
  openai: "openai SDK through the gateway",
  curl: "curl",
} as const;

const KINDS = ["sdk", "openai", "curl"] as const;

/**
 * The same call from code: the promptline SDK, the openai SDK through the gateway, curl, each
 * with a button that copies it.
 */
export function CodeSnippets({
  name,
  selector,
  variables,
  message,
}: {
  name: string;
  /** What applications can run: a label or a version, never the draft. */
  selector: string;
  variables: Record<string, unknown>;
  message: string;
}) {
  const snippet = snippets(name, selector, variables, message, location.origin);
  return (
    <Accordion variant="contained">
      <Accordion.Item value="code">
        <Accordion.Control>Use this from code</Accordion.Control>
        <Accordion.Panel>
          <Text size="sm" c="dimmed" mb="sm">
            The same call to{" "}
            {selector.startsWith("@")
              ? `what the ${selector.slice(1)} label serves`
              : `v${selector.slice(1)}`}
            , with the variables and message entered above.
          </Text>
          <Tabs defaultValue="sdk">
            <Tabs.List aria-label="Snippet language" style={{ flexWrap: "wrap" }}>
              {KINDS.map((kind) => (
                <Tabs.Tab key={kind} value={kind}>
                  {TITLES[kind]}
                </Tabs.Tab>
              ))}
            </Tabs.List>
            {KINDS.map((kind) => (
              <Tabs.Panel key={kind} value={kind} pt="sm">
                <Box component="figure" aria-label={`${kind} snippet`} m={0} pos="relative">
                  <Code block style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }} pr={96}>
                    {snippet[kind]}
                  </Code>
                  <CopyButton value={snippet[kind]}>
                    {({ copied, copy }) => (
                      <Button
                        size="compact-xs"
                        variant="default"
                        pos="absolute"
                        top={8}
                        right={8}
                        onClick={copy}
                      >
                        {copied ? "Copied" : "Copy"}
                        <VisuallyHidden> {kind} snippet</VisuallyHidden>
                      </Button>
                    )}
                  </CopyButton>
                </Box>
              </Tabs.Panel>
            ))}
          </Tabs>
        </Accordion.Panel>
      </Accordion.Item>
    </Accordion>
  );
}
