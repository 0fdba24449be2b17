/** Addresses remembered at most; past this the oldest are forgotten first. */
const MAX_TRACKED = 50_000;
const WINDOW_MS = 60_000;

interface Window {
  failures: number;
  endsAt: number;
}

/**
 * Counts failed authentications per client address in one-minute windows. Only failures are
 * counted and refused: a valid key is never slowed, whoever shares its address.
 */
export class AuthFailureThrottle {
  private readonly windows = new Map<string, Window>();
  failures = 0;
  throttled = 0;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a failure; the seconds to wait when the address is over its allowance. */
  fail(address: string): number | undefined {
    this.failures++;
    const now = this.now();
    let window = this.windows.get(address);
    if (!window || window.endsAt <= now) {
      this.windows.delete(address);
      window = { failures: 0, endsAt: now + WINDOW_MS };
      this.windows.set(address, window);
      this.forgetOldest();
    }
    window.failures++;
    if (window.failures <= this.perMinute) return undefined;
    this.throttled++;
    return (window.endsAt - now) / 1000;
  }

  get tracked(): number {
    return this.windows.size;
  }

  /** Keeps memory bounded: windows are re-inserted when renewed, so the first is the oldest. */
  private forgetOldest(): void {
    if (this.windows.size <= MAX_TRACKED) return;
    const oldest = this.windows.keys().next().value;
    if (oldest !== undefined) this.windows.delete(oldest);
  }
}
