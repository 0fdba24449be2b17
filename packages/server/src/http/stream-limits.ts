import { RateLimited } from "@promptline/core";

/** How long a refused stream is told to wait: streams are long-lived, places free up slowly. */
const RETRY_AFTER_SECONDS = 30;

/**
 * Caps the long-lived streams (the change feed) one API key and one client address may hold
 * open, so no single caller can use up the server's connections; each at most half the
 * connection cap, and all streams together three quarters of it, so ordinary requests always
 * find room.
 */
export class StreamLimits {
  private readonly byKey = new Map<string, number>();
  private readonly byAddress = new Map<string, number>();
  private readonly perKey: number;
  private readonly perAddress: number;
  private readonly total: number;
  private open = 0;
  refused = 0;

  constructor(settings: { perKey: number; perAddress: number; maxConnections: number }) {
    const half = Math.max(1, Math.floor(settings.maxConnections / 2));
    this.perKey = Math.min(settings.perKey, half);
    this.perAddress = Math.min(settings.perAddress, half);
    this.total = Math.max(1, Math.floor((settings.maxConnections * 3) / 4));
  }

  /** Takes a place for a stream, or throws RateLimited naming the limit; returns its release. */
  acquire(key: string, address: string): () => void {
    const refusal =
      this.open >= this.total
        ? `the server holds its maximum of ${this.total} open streams (three quarters of PROMPTLINE_MAX_CONNECTIONS)`
        : (this.byKey.get(key) ?? 0) >= this.perKey
          ? `this API key already holds ${this.perKey} open streams (PROMPTLINE_MAX_STREAMS_PER_KEY)`
          : (this.byAddress.get(address) ?? 0) >= this.perAddress
            ? `your address already holds ${this.perAddress} open streams (PROMPTLINE_MAX_STREAMS_PER_ADDRESS)`
            : undefined;
    if (refusal) {
      this.refused++;
      throw new RateLimited(
        `${refusal}; close one, or share one stream per process`,
        RETRY_AFTER_SECONDS,
      );
    }
    add(this.byKey, key, 1);
    add(this.byAddress, address, 1);
    this.open++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      add(this.byKey, key, -1);
      add(this.byAddress, address, -1);
      this.open--;
    };
  }
}

/** Adds to a count, forgetting it at zero so the maps hold only what is open. */
function add(counts: Map<string, number>, id: string, delta: number): void {
  const next = (counts.get(id) ?? 0) + delta;
  if (next <= 0) counts.delete(id);
  else counts.set(id, next);
}
