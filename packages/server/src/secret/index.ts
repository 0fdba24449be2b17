import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const SECRET_FILE = "secret.key";

/** Raised when a stored value was encrypted under another server secret (or was damaged). */
export class SecretMismatch extends Error {}

/**
 * Encrypts provider keys at rest with AES-256-GCM under the server secret. Each ciphertext names
 * the secret's fingerprint, so a changed secret is reported as such rather than as garbage, and
 * is bound to what it belongs to (additional data), so it cannot be moved to another row.
 */
export class SecretBox {
  readonly fingerprint: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== KEY_BYTES) throw new Error(`the server secret must be ${KEY_BYTES} bytes`);
    this.fingerprint = createHash("sha256").update(key).digest("hex").slice(0, 8);
  }

  seal(plaintext: string, boundTo: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(Buffer.from(boundTo));
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    const sealed = Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64");
    return `v1.${this.fingerprint}.${sealed}`;
  }

  open(sealed: string, boundTo: string): string {
    const [version, fingerprint, data] = sealed.split(".");
    if (version !== "v1" || !fingerprint || !data)
      throw new SecretMismatch("unreadable ciphertext");
    if (fingerprint !== this.fingerprint) {
      throw new SecretMismatch(
        `encrypted under another server secret (fingerprint ${fingerprint}, this server's is ${this.fingerprint})`,
      );
    }
    const raw = Buffer.from(data, "base64");
    const decipher = createDecipheriv("aes-256-gcm", this.key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(boundTo));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([
        decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString("utf8");
    } catch {
      throw new SecretMismatch("the ciphertext does not authenticate (damaged or moved)");
    }
  }
}

/** Parses PROMPTLINE_SECRET_KEY: 64 hex characters or base64 of 32 bytes. */
export function parseSecret(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, "hex");
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) {
    const bytes = Buffer.from(trimmed, "base64");
    if (bytes.length === KEY_BYTES) return bytes;
  }
  return undefined;
}

/**
 * The secret given in the environment, else the one in the data directory, else a new one
 * written there readable by this user only. Returns where it came from for the start-up log.
 */
export function loadServerSecret(
  given: string | undefined,
  dataDir: string,
): { key: Buffer; source: "environment" | "file" | "generated"; file?: string } {
  if (given !== undefined) {
    const key = parseSecret(given);
    if (!key) throw new Error("must be 64 hex characters or the base64 of 32 bytes");
    return { key, source: "environment" };
  }
  const file = join(dataDir, SECRET_FILE);
  try {
    const key = parseSecret(readFileSync(file, "utf8"));
    if (!key) throw new Error(`${file} does not hold a 32-byte secret`);
    // A secret others can read is no secret: tighten it rather than refuse to start.
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    return { key, source: "file", file };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(KEY_BYTES);
  try {
    writeFileSync(file, `${key.toString("hex")}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    // Another process wrote it first: use theirs, so both encrypt alike.
    if ((error as NodeJS.ErrnoException).code === "EEXIST")
      return loadServerSecret(undefined, dataDir);
    throw error;
  }
  return { key, source: "generated", file };
}
