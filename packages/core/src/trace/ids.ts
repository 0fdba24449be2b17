const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
/** Random bytes drawn in bulk: one getRandomValues call per 409 ids instead of one per id. */
const pool = new Uint8Array(4096);
let offset = pool.length;
/** The time and 12-bit counter of the last id: ids made in one millisecond count up from it. */
let lastMs = -1;
let counter = 0;

/**
 * A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, a 12-bit counter, then random bits. Ids
 * sort by time, and ids made by this process sort in the order they were made (the counter
 * counts up within a millisecond, RFC 9562's method 1), so traces written together land together
 * in the server's primary-key index and a dataset's cases keep the order they were added in.
 */
export function timeOrderedId(nowMs: number): string {
  if (offset + 10 > pool.length) {
    crypto.getRandomValues(pool);
    offset = 0;
  }
  const r = pool.subarray(offset, offset + 10);
  offset += 10;
  if (nowMs > lastMs) {
    lastMs = nowMs;
    // Start low in the millisecond, leaving room to count up.
    counter = (((r[0] as number) & 0x07) << 8) | (r[1] as number);
  } else if (++counter > 0xfff) {
    // More than the counter holds in one millisecond: borrow the next one.
    lastMs++;
    counter = 0;
  }
  const time = lastMs.toString(16).padStart(12, "0").slice(-12);
  let tail = "";
  for (let i = 4; i < 10; i++) tail += HEX[r[i] as number];
  return `${time.slice(0, 8)}-${time.slice(8)}-${HEX[0x70 | (counter >> 8)]}${HEX[counter & 0xff]}-${HEX[0x80 | ((r[2] as number) & 0x3f)]}${HEX[r[3] as number]}-${tail}`;
}
