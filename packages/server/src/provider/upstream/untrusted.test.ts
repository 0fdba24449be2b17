import { describe, expect, it } from "vitest";
import { ChunkAccumulator, OpenAIStreamTranslator } from "./openai.js";
import type { ProviderTarget } from "./types.js";
import { identifiersOfAnswer, secretsOf } from "./untrusted.js";

const KEY = "sk-proj-Xy7Qa9Lm2Nb4Vc6Zd8Rt1Pw3Ks5Hj0GfTe";
const QUERY_SECRET = "qwerty-uiop-9876";

const target: ProviderTarget = {
  name: "main",
  kind: "openai",
  baseUrl: `https://llm.example/v1?api-version=2024-06-01&api_key=${QUERY_SECRET}`,
  apiKey: KEY,
  apiKeyHeader: null,
  timeoutMs: 1000,
  maxRetries: 0,
};
const secrets = secretsOf(target);

const answer = (error: unknown) => identifiersOfAnswer(JSON.stringify({ error }), secrets);

describe("what is shown of a provider's error answer", () => {
  it("takes the type and code of OpenAI's and Anthropic's errors, never their message", () => {
    expect(
      answer({
        message: `Incorrect API key provided: ${KEY}`,
        type: "invalid_request_error",
        param: KEY,
        code: "invalid_api_key",
      }),
    ).toEqual({ type: "invalid_request_error", code: "invalid_api_key" });
    expect(
      identifiersOfAnswer(
        JSON.stringify({
          type: "error",
          error: { type: "overloaded_error", message: "Overloaded" },
        }),
        secrets,
      ),
    ).toEqual({ type: "overloaded_error" });
    expect(answer({ code: 429, type: "Microsoft.CognitiveServices:Throttled" })).toEqual({
      code: "429",
      type: "Microsoft.CognitiveServices:Throttled",
    });
  });

  it("shows nothing of a body that is not an error object: plain text, strings, other shapes", () => {
    expect(identifiersOfAnswer(`Bad Gateway: ${KEY}`, secrets)).toEqual({});
    expect(identifiersOfAnswer(JSON.stringify({ error: "invalid_api_key" }), secrets)).toEqual({});
    expect(identifiersOfAnswer(JSON.stringify({ detail: { type: "x" } }), secrets)).toEqual({});
    expect(identifiersOfAnswer("null", secrets)).toEqual({});
  });

  it("drops an identifier that is prose, too long, or not a name", () => {
    expect(answer({ type: "invalid request error", code: "a".repeat(65) })).toEqual({});
    expect(answer({ type: "quota<script>", code: { nested: "invalid_api_key" } })).toEqual({});
    expect(answer({ type: "&#115;&#107;", code: 1.5 })).toEqual({});
  });

  it.each([
    ["as written", KEY.slice(0, 20)],
    ["in another case", KEY.slice(10, 30).toUpperCase()],
    [
      "split by separators",
      KEY.slice(8, 32)
        .match(/.{1,3}/g)
        ?.join("."),
    ],
    ["six characters of it", `err_${KEY.slice(20, 26)}`],
    ["from the URL's query", `bad_${QUERY_SECRET}`],
  ])("drops an identifier that quotes a secret %s", (_form, identifier) => {
    expect(answer({ type: identifier, code: "invalid_api_key" })).toEqual({
      code: "invalid_api_key",
    });
  });
});

describe("an error a stream reports", () => {
  const event = (error: unknown) => ({ event: undefined, data: JSON.stringify({ error }) });

  it("names the connection and the error's identifiers, never its message", () => {
    const translator = new OpenAIStreamTranslator(new ChunkAccumulator(() => 0), false, target);

    const text = translator.translate(
      event({ message: `bad key ${KEY}`, type: "server_error", code: KEY }),
    );

    expect(translator.done).toBe(true);
    expect(translator.failure).toBe(
      "provider 'main' reported an error in its stream (type: server_error)",
    );
    expect(JSON.parse(text.replace(/^data: /, ""))).toEqual({
      error: { message: translator.failure, type: "provider_error" },
    });
  });

  it("shows nothing of an event it cannot read", () => {
    const translator = new OpenAIStreamTranslator(new ChunkAccumulator(() => 0), false, target);

    translator.translate({ event: undefined, data: `{not json ${KEY}` });

    expect(translator.failure).toBe("provider 'main' sent an event that could not be read");
  });
});
