const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
/** Random bytes drawn in bulk: one getRandomValues call per 409 ids instead of one per id. */
const pool = new Uint8Array(4096);
let offset = pool.length;

/**
 * A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. Ids sort by time, so
 * traces written together land together in the server's primary-key index.
 */
export function timeOrderedId(nowMs: number): string {
  if (offset + 10 > pool.length) {
    crypto.getRandomValues(pool);
    offset = 0;
  }
  const r = pool.subarray(offset, offset + 10);
  offset += 10;
  const time = nowMs.toString(16).padStart(12, "0").slice(-12);
  let tail = "";
  for (let i = 4; i < 10; i++) tail += HEX[r[i] as number];
  return `${time.slice(0, 8)}-${time.slice(8)}-${HEX[0x70 | ((r[0] as number) & 0x0f)]}${HEX[r[1] as number]}-${HEX[0x80 | ((r[2] as number) & 0x3f)]}${HEX[r[3] as number]}-${tail}`;
}
