import { createInterface } from "node:readline";

/**
 * Asks a yes/no question on the terminal (on stderr, so `--json` output stays clean); anything
 * but y or yes, Ctrl-C and end of input are a no.
 */
export function confirmOnTerminal(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  return new Promise((resolve) => {
    let answered = false;
    const answer = (yes: boolean) => {
      if (answered) return;
      answered = true;
      prompt.close();
      resolve(yes);
    };
    prompt.on("SIGINT", () => {
      process.stderr.write("\n");
      answer(false);
    });
    prompt.on("close", () => answer(false));
    prompt.question(`${question} [y/N] `, (text) => answer(/^y(es)?$/i.test(text.trim())));
  });
}
