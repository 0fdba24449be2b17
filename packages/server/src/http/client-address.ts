import type { IncomingMessage } from "node:http";

/**
 * The address a request came from: the socket's peer, or — behind `trustedProxyHops` reverse
 * proxies of your own — the address the outermost of them saw, read from the right of
 * X-Forwarded-For (entries further left are whatever the client chose to send).
 */
export function clientAddress(incoming: IncomingMessage, trustedProxyHops: number): string {
  const peer = incoming.socket.remoteAddress ?? "unknown";
  if (trustedProxyHops === 0) return peer;
  const header = incoming.headers["x-forwarded-for"];
  const forwarded = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  if (forwarded.length === 0) return peer;
  return forwarded[Math.max(0, forwarded.length - trustedProxyHops)] ?? peer;
}
