/** How an application would make the same call. */
function snippets(
  name: string,
  selector: string,
  variables: Record<string, unknown>,
  message: string,
) {
  const ref = `prompt:${name}${selector}`;
  const vars = JSON.stringify(variables);
  return {
    sdk: `import { createClient } from "@promptline/sdk";\n\nconst promptline = createClient({ baseUrl: "${location.origin}", apiKey: process.env.PROMPTLINE_API_KEY });\nconst prompt = await promptline.getPrompt("${name}"${selector.startsWith("@") ? `, { label: "${selector.slice(1)}" }` : `, { version: ${selector.slice(1)} }`});\nconst messages = [...prompt.toOpenAI(${vars}), { role: "user", content: ${JSON.stringify(message)} }];`,
    curl: `curl ${location.origin}/v1/chat/completions \\\n  -H "Authorization: Bearer $PROMPTLINE_API_KEY" -H "Content-Type: application/json" \\\n  -d '${JSON.stringify({ model: ref, messages: [{ role: "user", content: message }], promptline: { variables } })}'`,
    openai: `import OpenAI from "openai";\n\nconst openai = new OpenAI({ baseURL: "${location.origin}/v1", apiKey: process.env.PROMPTLINE_API_KEY });\nconst completion = await openai.chat.completions.create({\n  model: "${ref}",\n  messages: [{ role: "user", content: ${JSON.stringify(message)} }],\n  // @ts-expect-error promptline's extension\n  promptline: { variables: ${vars} },\n});`,
  };
}

const TITLES = {
  sdk: "promptline SDK",
  openai: "openai SDK through the gateway",
  curl: "curl",
} as const;

/** The same call from code: the promptline SDK, the openai SDK through the gateway, curl. */
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
  const snippet = snippets(name, selector, variables, message);
  return (
    <details>
      <summary>Use this from code</summary>
      {(["sdk", "openai", "curl"] as const).map((kind) => (
        <div key={kind}>
          <h3>{TITLES[kind]}</h3>
          <textarea
            readOnly
            aria-label={`${kind} snippet`}
            className="snippet"
            rows={7}
            value={snippet[kind]}
          />
          <button type="button" onClick={() => void navigator.clipboard?.writeText(snippet[kind])}>
            Copy {kind} snippet
          </button>
        </div>
      ))}
    </details>
  );
}
