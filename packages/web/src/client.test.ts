import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { UnreachableError } from "@promptline/client";
import { expect, it } from "vitest";
import { UNREACHABLE_MESSAGE, workspaceTransport } from "./client.js";

async function listen(server: ReturnType<typeof createServer>): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

it("tells the person the server cannot be reached when nothing answers at its address", async () => {
  const closed = createServer();
  const baseUrl = await listen(closed);
  await new Promise<void>((resolve) => closed.close(() => resolve()));

  const error = await workspaceTransport({ baseUrl })
    .json("GET", "/api/v1/session")
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UnreachableError);
  expect((error as Error).message).toBe(UNREACHABLE_MESSAGE);
});

it("says how long it waited when the server is there but does not answer", async () => {
  const silent = createServer(() => {});
  const baseUrl = await listen(silent);
  try {
    const error = await workspaceTransport({ baseUrl, timeoutMs: 100 })
      .json("GET", "/api/v1/session")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnreachableError);
    expect((error as Error).message).toMatch(/did not answer within 100 ms/);
  } finally {
    silent.closeAllConnections();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  }
});
