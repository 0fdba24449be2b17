import { randomFillSync } from "node:crypto";

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
const pool = Buffer.alloc(4096);
let offset = pool.length;

/**
 * A UUIDv7: 48 bits of milliseconds then random bits, so ids sort by time and rows written
 * together land together in the primary-key index. Random bytes come from a refilled pool.
 */
export function timeOrderedId(nowMs: number): string {
  if (offset + 10 > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const r = pool.subarray(offset, offset + 10);
  offset += 10;
  const time = nowMs.toString(16).padStart(12, "0").slice(-12);
  const b6 = HEX[0x70 | ((r[0] as number) & 0x0f)];
  const b8 = HEX[0x80 | ((r[2] as number) & 0x3f)];
  return `${time.slice(0, 8)}-${time.slice(8)}-${b6}${HEX[r[1] as number]}-${b8}${HEX[r[3] as number]}-${HEX[r[4] as number]}${HEX[r[5] as number]}${HEX[r[6] as number]}${HEX[r[7] as number]}${HEX[r[8] as number]}${HEX[r[9] as number]}`;
}
