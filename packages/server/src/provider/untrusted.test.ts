import { describe, expect, it } from "vitest";
import { ChunkAccumulator, OpenAIStreamTranslator } from "./openai.js";
import { secretsOf, shownProviderText, upstreamErrorMessage } from "./untrusted.js";

const KEY = "sk-proj-Xy7Qa9Lm2Nb4Vc6Zd8Rt1Pw3Ks5Hj0GfTe";

const base64 = (text: string) => Buffer.from(text).toString("base64");

/** Whether any eight letters or digits of the key, in any case, survive in `text`. */
function leaksKey(text: string): boolean {
  const letters = (value: string) => value.replace(/[^A-Za-z0-9]/g, "").toLowerCase();
  const key = letters(KEY);
  const shown = letters(text);
  for (let i = 0; i + 8 <= key.length; i++) if (shown.includes(key.slice(i, i + 8))) return true;
  return false;
}

describe("provider text shown to callers", () => {
  it.each([
    ["whole", `Incorrect API key provided: ${KEY}.`],
    ["in upper case", `Incorrect API key provided: ${KEY.toUpperCase()}.`],
    ["in lower case", `invalid key ${KEY.toLowerCase()}`],
    ["split by spaces", `key was ${KEY.match(/.{1,5}/g)?.join(" ")} and it is wrong`],
    ["split by dashes", `key was ${KEY.match(/.{1,4}/g)?.join("-")}`],
    ["split over lines", `key was\n${KEY.slice(0, 20)}\n${KEY.slice(20)}`],
    ["cut short", `key ${KEY.slice(0, 30)}… was refused`],
    ["as hex", `key hex ${Buffer.from(KEY).toString("hex")}`],
  ])("hides the connection's key quoted %s", (_form, text) => {
    const shown = shownProviderText(text, [KEY]);

    expect(leaksKey(shown)).toBe(false);
    expect(shown).toContain("[redacted]");
  });

  it.each([
    ["alone", base64(KEY)],
    ["after Bearer", base64(`Bearer ${KEY}`)],
    ["in basic auth", base64(`user:${KEY}`)],
    ["url-safe", base64(`ab${KEY}`).replace(/\+/g, "-").replace(/\//g, "_")],
    ["in lower case", base64(`x${KEY}`).toLowerCase()],
  ])("hides the connection's key in base64 %s", (_form, encoded) => {
    const shown = shownProviderText(`rejected credentials ${encoded} for this project`, [KEY]);

    expect(shown).toBe("rejected credentials [redacted] for this project");
  });

  it("hides credentials it was not told about: long mixed tokens and hex keys", () => {
    const jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0";
    const hexKey = "9f86d081884c7d659a2feaa0c55ad015";

    const shown = shownProviderText(`proxy got ${jwt} and api-key ${hexKey}`, []);

    expect(shown).toBe("proxy got [redacted].[redacted] and api-key [redacted]");
  });

  it("keeps what an ordinary error says: model names, paths, parameters", () => {
    const messages = [
      "The model `gpt-4o-mini-2024-07-18` does not exist or you do not have access to it.",
      "model: claude-3-5-sonnet-20241022 is overloaded, see https://docs.anthropic.com/en/api/errors",
      "projects/my-project/locations/us-central1/publishers/google/models/gemini-1.5-pro not found",
      "Invalid value for 'temperature': expected a number between 0 and 2.",
    ];
    for (const message of messages) expect(shownProviderText(message, [KEY])).toBe(message);
  });

  it("hides secrets a base URL carries in its query, not its api-version", () => {
    const secrets = secretsOf({
      name: "azure",
      kind: "openai",
      baseUrl: "https://llm.example/v1?api-version=2024-06-01&api_key=qwerty-uiop-9876",
      apiKey: KEY,
      apiKeyHeader: null,
      timeoutMs: 1000,
      maxRetries: 0,
    });

    expect(secrets).toEqual([KEY, "qwerty-uiop-9876"]);
    expect(
      shownProviderText("GET /v1?api-version=2024-06-01&api_key=qwerty-uiop-9876", secrets),
    ).toBe("GET /v1?api-version=2024-06-01&api_key=[redacted]");
  });

  it("shows one bounded line", () => {
    const shown = shownProviderText(`first line\r\n\tsecond\u0000${"word ".repeat(500)}`, []);

    expect(shown.startsWith("first line second word")).toBe(true);
    expect(shown).not.toMatch(/[\r\n\t]/);
    expect(shown.includes("\u0000")).toBe(false);
    expect(shown.length).toBeLessThanOrEqual(301);
  });
});

describe("the message of a provider's error answer", () => {
  it("takes only the well-known message field of a JSON answer", () => {
    const body = JSON.stringify({
      error: {
        message: "Incorrect API key provided.",
        param: KEY,
        headers: { authorization: KEY },
      },
    });

    expect(upstreamErrorMessage(body)).toBe("Incorrect API key provided.");
    expect(upstreamErrorMessage(JSON.stringify({ error: "model not found" }))).toBe(
      "model not found",
    );
    expect(upstreamErrorMessage(JSON.stringify({ message: "rate limited", key: KEY }))).toBe(
      "rate limited",
    );
  });

  it("says nothing of a JSON answer without a message, and keeps plain text", () => {
    expect(upstreamErrorMessage(JSON.stringify({ detail: { key: KEY } }))).toBe("");
    expect(upstreamErrorMessage("null")).toBe("");
    expect(upstreamErrorMessage("Bad Gateway")).toBe("Bad Gateway");
  });

  it("hides the key in an error a stream reports, and shows no other field of it", () => {
    const translator = new OpenAIStreamTranslator(new ChunkAccumulator(() => 0), false, [KEY]);
    const event = (error: object) => ({ event: undefined, data: JSON.stringify({ error }) });

    const text = translator.translate(event({ message: `bad key ${KEY.toUpperCase()}` }));
    const other = new OpenAIStreamTranslator(new ChunkAccumulator(() => 0), false, [KEY]);
    const withoutMessage = other.translate(event({ code: KEY }));

    expect(leaksKey(text) || leaksKey(translator.failure ?? "")).toBe(false);
    expect(translator.failure).toBe("bad key [redacted]");
    expect(leaksKey(withoutMessage)).toBe(false);
    expect(other.failure).toBe("the provider reported an error");
  });
});
