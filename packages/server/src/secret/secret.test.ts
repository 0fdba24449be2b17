import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadServerSecret, parseSecret, SECRET_FILE, SecretBox, SecretMismatch } from "./index.js";

const box = () => new SecretBox(randomBytes(32));

describe("the secret box", () => {
  it("opens what it sealed, and the ciphertext does not hold the plaintext", () => {
    const secrets = box();
    const sealed = secrets.seal("sk-live-123", "provider:openai");
    expect(sealed).toMatch(new RegExp(`^v1\\.${secrets.fingerprint}\\.`));
    expect(sealed).not.toContain("sk-live-123");
    expect(secrets.open(sealed, "provider:openai")).toBe("sk-live-123");
  });

  it("seals the same text differently each time", () => {
    const secrets = box();
    expect(secrets.seal("a", "x")).not.toBe(secrets.seal("a", "x"));
  });

  it("refuses a ciphertext moved to another row", () => {
    const secrets = box();
    const sealed = secrets.seal("sk-live-123", "provider:openai");
    expect(() => secrets.open(sealed, "provider:other")).toThrow(SecretMismatch);
  });

  it("names both fingerprints when the server secret changed", () => {
    const before = box();
    const after = box();
    expect(() => after.open(before.seal("k", "x"), "x")).toThrow(
      new RegExp(`fingerprint ${before.fingerprint}, this server's is ${after.fingerprint}`),
    );
  });

  it("reports damaged and unreadable ciphertexts as mismatches", () => {
    const secrets = box();
    const sealed = secrets.seal("sk-live-123", "x");
    const damaged = `${sealed.slice(0, -4)}AAAA`;
    expect(() => secrets.open(damaged, "x")).toThrow(/does not authenticate/);
    expect(() => secrets.open("garbage", "x")).toThrow(/unreadable ciphertext/);
  });

  it("takes only a 32-byte key", () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});

describe("the server secret", () => {
  const hex = "ab".repeat(32);

  it("parses 64 hex characters or the base64 of 32 bytes, and nothing else", () => {
    expect(parseSecret(` ${hex}\n`)?.toString("hex")).toBe(hex);
    const base64 = randomBytes(32).toString("base64");
    expect(parseSecret(base64)?.toString("base64")).toBe(base64);
    expect(parseSecret("ab".repeat(31))).toBeUndefined();
    expect(parseSecret(randomBytes(24).toString("base64"))).toBeUndefined();
  });

  it("prefers the environment, and refuses a malformed one", () => {
    const dir = mkdtempSync(join(tmpdir(), "secret-"));
    expect(loadServerSecret(hex, dir)).toMatchObject({ source: "environment" });
    expect(() => loadServerSecret("short", dir)).toThrow(/64 hex characters/);
  });

  it("generates a secret readable by its owner only, then reads the same one back", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "secret-")), "data");
    const first = loadServerSecret(undefined, dir);
    expect(first.source).toBe("generated");
    const file = join(dir, SECRET_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = loadServerSecret(undefined, dir);
    expect(second.source).toBe("file");
    expect(second.key.equals(first.key)).toBe(true);
  });

  it("tightens a secret file others can read, and refuses one that holds no secret", () => {
    const dir = mkdtempSync(join(tmpdir(), "secret-"));
    const file = join(dir, SECRET_FILE);
    writeFileSync(file, `${hex}\n`, { mode: 0o644 });
    expect(loadServerSecret(undefined, dir).key.toString("hex")).toBe(hex);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    writeFileSync(file, "not a secret");
    expect(() => loadServerSecret(undefined, dir)).toThrow(/does not hold a 32-byte secret/);
    expect(readFileSync(file, "utf8")).toBe("not a secret");
  });
});
