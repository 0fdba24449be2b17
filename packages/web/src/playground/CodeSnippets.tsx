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

/** The user message a call sends: none when nothing was typed, as a run sends none. */
const userMessages = (message: string) =>
  message.trim() ? [{ role: "user", content: message }] : [];

/** How an application would make the same call, with the variables and message entered. */
export function snippets(
  name: string,
  selector: string,
  variables: Record<string, unknown>,
  message: string,
  origin: string,
) {
  const ref = `prompt:${name}${selector}`;
  const vars = JSON.stringify(variables);
  const messages = userMessages(message);
  const version = selector.startsWith("@")
    ? `{ label: "${selector.slice(1)}" }`
    : `{ version: ${selector.slice(1)} }`;
  const sdkMessages = messages.length
    ? `[...prompt.toOpenAI(${vars}), { role: "user", content: ${JSON.stringify(message)} }]`
    : `prompt.toOpenAI(${vars})`;
  return {
    sdk: `import { createClient } from "@promptline/sdk";\n\nconst promptline = createClient({ baseUrl: "${origin}", apiKey: process.env.PROMPTLINE_API_KEY });\nconst prompt = await promptline.getPrompt("${name}", ${version});\nconst messages = ${sdkMessages};`,
    curl: `curl ${origin}/v1/chat/completions \\\n  -H "Authorization: Bearer $PROMPTLINE_API_KEY" -H "Content-Type: application/json" \\\n  -d '${JSON.stringify({ model: ref, messages, promptline: { variables } })}'`,
    openai: `import OpenAI from "openai";\n\nconst openai = new OpenAI({ baseURL: "${origin}/v1", apiKey: process.env.PROMPTLINE_API_KEY });\nconst completion = await openai.chat.completions.create({\n  model: "${ref}",\n  messages: ${messages.length ? `[{ role: "user", content: ${JSON.stringify(message)} }]` : "[]"},\n  // @ts-expect-error promptline's extension\n  promptline: { variables: ${vars} },\n});`,
  };
}

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
