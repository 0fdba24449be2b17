import { describe, expect, it } from "vitest";
import { AuthFailureThrottle } from "./auth-throttle.js";

describe("the failed-authentication throttle", () => {
  it("refuses an address past its allowance until its minute ends, then starts afresh", () => {
    let now = 0;
    const throttle = new AuthFailureThrottle(2, () => now);
    expect([throttle.fail("a"), throttle.fail("a")]).toEqual([undefined, undefined]);
    now = 15_000;
    expect(throttle.fail("a")).toBe(45);
    expect(throttle.fail("b")).toBeUndefined();
    now = 60_000;
    expect(throttle.fail("a")).toBeUndefined();
    expect({ failures: throttle.failures, throttled: throttle.throttled }).toEqual({
      failures: 5,
      throttled: 1,
    });
  });

  it("remembers at most 50,000 addresses, forgetting the oldest first", () => {
    const throttle = new AuthFailureThrottle(1, () => 0);
    for (let i = 0; i < 50_010; i++) throttle.fail(`10.0.${i >> 8}.${i & 255}`);
    expect(throttle.tracked).toBe(50_000);
    // The oldest was forgotten, so it has its allowance again; a recent one does not.
    expect(throttle.fail("10.0.0.0")).toBeUndefined();
    expect(throttle.fail(`10.0.${50_009 >> 8}.${50_009 & 255}`)).toBeDefined();
  });
});
