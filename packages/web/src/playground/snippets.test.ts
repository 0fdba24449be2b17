import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { shellQuote, snippets } from "./snippets.js";

/** Runs the curl snippet in bash with `curl` standing in as a function that prints its body. */
function bodyCurlWouldSend(snippet: string): string {
  const script = `curl() { printf '%s' "\${@: -1}"; }\n${snippet}`;
  return execFileSync("bash", ["-c", script], { encoding: "utf8" });
}

const HOSTILE = [
  "refund please'; touch /tmp/promptline-pwned; echo '",
  "it's fine",
  "$(whoami) `id` $HOME \\ \" '' '\\''",
  "line one\nline two",
];

describe("the code snippets", () => {
  it("quote any text as one shell word that stays data", () => {
    for (const text of HOSTILE) {
      expect(
        execFileSync("bash", ["-c", `printf '%s' ${shellQuote(text)}`], { encoding: "utf8" }),
      ).toBe(text);
    }
  });

  it("give a curl command whose body is exactly the call, whatever the message holds", () => {
    for (const message of HOSTILE) {
      const { curl } = snippets(
        "support/refund",
        "@production",
        { agent: "O'Brien" },
        message,
        "http://127.0.0.1:4680",
      );
      expect(JSON.parse(bodyCurlWouldSend(curl))).toEqual({
        model: "prompt:support/refund@production",
        messages: [{ role: "user", content: message }],
        promptline: { variables: { agent: "O'Brien" } },
      });
    }
  });
});
