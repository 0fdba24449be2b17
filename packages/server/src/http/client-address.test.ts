import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { clientAddress } from "./client-address.js";

const request = (peer: string, forwarded?: string) =>
  ({
    socket: { remoteAddress: peer },
    headers: forwarded === undefined ? {} : { "x-forwarded-for": forwarded },
  }) as unknown as IncomingMessage;

describe("the client address", () => {
  it("is the connection's peer unless proxies are trusted, whatever X-Forwarded-For claims", () => {
    expect(clientAddress(request("10.0.0.9", "1.2.3.4"), 0)).toBe("10.0.0.9");
  });

  it("is read from the right of X-Forwarded-For, one entry per trusted proxy", () => {
    // A client may send any X-Forwarded-For of its own; each proxy appends what it saw.
    const chain = "6.6.6.6, 203.0.113.7, 10.0.0.2";
    expect(clientAddress(request("10.0.0.1", chain), 1)).toBe("10.0.0.2");
    expect(clientAddress(request("10.0.0.1", chain), 2)).toBe("203.0.113.7");
    expect(clientAddress(request("10.0.0.1", "203.0.113.7"), 3)).toBe("203.0.113.7");
    expect(clientAddress(request("10.0.0.1"), 1)).toBe("10.0.0.1");
  });
});
