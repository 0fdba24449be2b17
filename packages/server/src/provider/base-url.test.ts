import { describe, expect, it } from "vitest";
import { maskedBaseUrl } from "./base-url.js";

describe("a base URL as non-admins see it", () => {
  it("masks query values but the api-version, keeping the parameter names", () => {
    expect(
      maskedBaseUrl(
        "https://eu.example.openai.azure.com/openai/deployments/gpt4o?api-version=2024-06-01&api_key=sk-123&Token=abc",
      ),
    ).toBe(
      "https://eu.example.openai.azure.com/openai/deployments/gpt4o?api-version=2024-06-01&api_key=***&Token=***",
    );
  });

  it("leaves a URL without query or credentials as it is", () => {
    expect(maskedBaseUrl("http://127.0.0.1:11434/v1")).toBe("http://127.0.0.1:11434/v1");
  });

  it("masks a user and password saved before they were refused, whatever the scheme's case", () => {
    expect(maskedBaseUrl("HTTP://user:pass@proxy.example/v1")).toBe("http://***@proxy.example/v1");
  });
});
