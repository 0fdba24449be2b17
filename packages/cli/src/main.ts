import { runCli } from "./program.js";

const code = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
  ...(process.stderr.isTTY && { tty: process.stderr }),
});
process.exitCode = code;
