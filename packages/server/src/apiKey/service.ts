import { createHash, randomBytes, randomUUID } from "node:crypto";
import {
  type ApiKey,
  type CreateApiKeyBody,
  type CreatedApiKey,
  NotFound,
  type Principal,
  type Role,
  Unauthorized,
} from "@promptline/core";
import type { Kysely } from "kysely";
import { InvalidatingCache } from "../cache/invalidating-cache.js";
import { nowIso, type ServiceContext } from "../context.js";
import { type RecordEvent, writeWithEvents } from "../event/write.js";
import type { ApiKeyRow, Database } from "../storage/database.js";
import { findApiKey, findApiKeyByHash, insertApiKey, listApiKeys, markRevoked } from "./store.js";

const KEY_PREFIX = "pl_";
/** How much of a key lists show so people can tell keys apart: never enough to guess it. */
const SHOWN_PREFIX_LENGTH = 9;

/** Keys carry 256 random bits, so a fast hash is enough: there is nothing to brute-force. */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export function generateApiKey(): string {
  return `${KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
}

/** A Langfuse-style pair: the public half names the key, the secret half proves it. */
export function generateKeyPair(): { publicKey: string; secretKey: string } {
  return {
    publicKey: `pk-lf-${randomUUID()}`,
    secretKey: `sk-lf-${randomBytes(32).toString("base64url")}`,
  };
}

export function newApiKey(
  ctx: ServiceContext,
  projectId: string,
  name: string,
  role: Role,
  key: string,
  actor: string,
  publicKey: string | null = null,
): ApiKeyRow {
  return {
    id: ctx.newId(),
    projectId,
    name,
    role,
    keyHash: hashApiKey(key),
    keyPrefix: key.slice(0, SHOWN_PREFIX_LENGTH),
    publicKey,
    createdAt: nowIso(ctx),
    createdBy: actor,
    revokedAt: null,
  };
}

/** Inserts a key and records its creation, in the caller's transaction. */
export async function storeApiKey(
  db: Kysely<Database>,
  record: RecordEvent,
  key: ApiKeyRow,
): Promise<void> {
  await insertApiKey(db, key);
  await record({
    projectId: key.projectId,
    type: "apikey.created",
    subject: key.id,
    payload: { name: key.name, role: key.role, prefix: key.keyPrefix },
    actor: key.createdBy,
    at: key.createdAt,
  });
}

/** A key as the API shows it: never its hash. */
function presentApiKey(k: ApiKeyRow): ApiKey {
  return {
    id: k.id,
    name: k.name,
    role: k.role,
    prefix: k.keyPrefix,
    publicKey: k.publicKey,
    createdAt: k.createdAt,
    createdBy: k.createdBy,
    revokedAt: k.revokedAt,
  };
}

interface KnownKey {
  principal: Principal;
  publicKey: string | null;
}

export interface ApiKeyService {
  createApiKey(principal: Principal, body: CreateApiKeyBody): Promise<CreatedApiKey>;
  listApiKeys(principal: Principal): Promise<ApiKey[]>;
  revokeApiKey(principal: Principal, id: string): Promise<ApiKey>;
  /**
   * The principal presented credentials stand for: a bearer key, or a pair's secret with its
   * public key. Memoised, and forgotten on any key change.
   */
  authenticate(secret: string, publicKey?: string): Promise<Principal>;
  /** The principal of a bearer key known only by its hash (a web session holds the hash). */
  authenticateHash(keyHash: string): Promise<Principal>;
  /** The memoised principal of a valid bearer key, without touching storage; else undefined. */
  peekPrincipal(key: string): Principal | undefined;
}

export function createApiKeyService(ctx: ServiceContext): ApiKeyService {
  const { db } = ctx.engine;
  const principals = new InvalidatingCache<KnownKey | null>(10_000);
  // The hot paths see the same few keys over and over: skip re-hashing them.
  const recentHashes = new Map<string, string>();
  const hashOf = (key: string) => {
    let hash = recentHashes.get(key);
    if (hash === undefined) {
      hash = hashApiKey(key);
      if (recentHashes.size >= 1_000) recentHashes.clear();
      recentHashes.set(key, hash);
    }
    return hash;
  };
  ctx.engine.onChange(
    (change) => {
      // Key changes are rare: forget every memoised principal rather than track hashes by id.
      if (change.kind === "apikey") principals.clear();
    },
    () => principals.clear(),
  );

  return {
    async createApiKey(principal, body) {
      const pair = body.kind === "langfuse" ? generateKeyPair() : undefined;
      const key = pair?.secretKey ?? generateApiKey();
      const row = newApiKey(
        ctx,
        principal.projectId,
        body.name,
        body.role,
        key,
        principal.actor,
        pair?.publicKey ?? null,
      );
      await writeWithEvents(ctx, (trx, record) => storeApiKey(trx, record, row));
      return { ...presentApiKey(row), key };
    },

    async listApiKeys(principal) {
      return (await listApiKeys(db, principal.projectId)).map(presentApiKey);
    },

    async revokeApiKey(principal, id) {
      const key = await findApiKey(db, principal.projectId, id);
      if (!key) throw new NotFound(`no API key with id '${id}' in this project`);
      if (key.revokedAt) return presentApiKey(key);
      const at = nowIso(ctx);
      await writeWithEvents(ctx, async (trx, record) => {
        await markRevoked(trx, id, at);
        await record({
          projectId: key.projectId,
          type: "apikey.revoked",
          subject: id,
          payload: { name: key.name },
          actor: principal.actor,
          at,
        });
      });
      return presentApiKey({ ...key, revokedAt: at });
    },

    async authenticate(secret, publicKey) {
      return principalByHash(hashOf(secret), publicKey);
    },

    authenticateHash(keyHash) {
      return principalByHash(keyHash, undefined);
    },

    peekPrincipal(key) {
      const known = principals.get(hashOf(key), "");
      return known && known.publicKey === null ? known.principal : undefined;
    },
  };

  async function principalByHash(hash: string, publicKey: string | undefined): Promise<Principal> {
    const known =
      principals.get(hash, "") ??
      (await principals.load(hash, "", async () => {
        const key = await findApiKeyByHash(db, hash);
        if (!key || key.revokedAt) return null;
        return {
          principal: {
            projectId: key.projectId,
            role: key.role,
            actor: `apikey:${key.name}`,
            keyId: key.id,
          },
          publicKey: key.publicKey,
        };
      }));
    // A pair's secret counts only together with its own public key.
    if (!known || known.publicKey !== (publicKey ?? null)) {
      throw new Unauthorized("the API key is unknown or revoked — create a new one");
    }
    return known.principal;
  }
}
