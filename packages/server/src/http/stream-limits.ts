import { RateLimited } from "@promptline/core";

/** How long a refused stream is told to wait: streams are long-lived, places free up slowly. */
const RETRY_AFTER_SECONDS = 30;

/**
 * Caps the long-lived streams (the change feed) one API key and one client address may hold
 * open, so no single caller can use up the server's connections.
 */
export class StreamLimits {
  private readonly byKey = new Map<string, number>();
  private readonly byAddress = new Map<string, number>();
  refused = 0;

  constructor(
    private readonly perKey: number,
    private readonly perAddress: number,
  ) {}

  /** Takes a place for a stream, or throws RateLimited naming the limit; returns its release. */
  acquire(key: string, address: string): () => void {
    const refusal =
      (this.byKey.get(key) ?? 0) >= this.perKey
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
    let released = false;
    return () => {
      if (released) return;
      released = true;
      add(this.byKey, key, -1);
      add(this.byAddress, address, -1);
    };
  }
}

/** Adds to a count, forgetting it at zero so the maps hold only what is open. */
function add(counts: Map<string, number>, id: string, delta: number): void {
  const next = (counts.get(id) ?? 0) + delta;
  if (next <= 0) counts.delete(id);
  else counts.set(id, next);
}
