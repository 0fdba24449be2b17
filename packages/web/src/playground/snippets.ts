/**
 * One word for a POSIX shell, whatever it holds: in single quotes, where nothing is special, with
 * each single quote of its own closed, escaped and reopened (`'\''`). A recorded message is
 * anyone's text: pasted into a terminal, it must stay data.
 */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

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
    curl: `curl ${origin}/v1/chat/completions \\\n  -H "Authorization: Bearer $PROMPTLINE_API_KEY" -H "Content-Type: application/json" \\\n  -d ${shellQuote(JSON.stringify({ model: ref, messages, promptline: { variables } }))}`,
    openai: `import OpenAI from "openai";\n\nconst openai = new OpenAI({ baseURL: "${origin}/v1", apiKey: process.env.PROMPTLINE_API_KEY });\nconst completion = await openai.chat.completions.create({\n  model: "${ref}",\n  messages: ${messages.length ? `[{ role: "user", content: ${JSON.stringify(message)} }]` : "[]"},\n  // @ts-expect-error promptline's extension\n  promptline: { variables: ${vars} },\n});`,
  };
}
