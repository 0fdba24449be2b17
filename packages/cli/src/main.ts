import { confirmOnTerminal } from "./confirm.js";
import { runCli } from "./program.js";

const code = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
  write: (chunk) =>
    new Promise((resolve, reject) => {
      // Waits for the terminal or pipe to take more, so a large export is never queued whole.
      if (process.stdout.write(chunk, (error) => error && reject(error))) resolve();
      else process.stdout.once("drain", resolve);
    }),
  progress: process.stderr.isTTY ? process.stderr : undefined,
  confirm: process.stdin.isTTY && process.stderr.isTTY ? confirmOnTerminal : undefined,
});
process.exitCode = code;
