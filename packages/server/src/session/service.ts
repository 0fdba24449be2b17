import { createHash, randomBytes } from "node:crypto";
import { type Principal, Unauthorized } from "@promptline/core";
import type { ApiKeyService } from "../apiKey/service.js";
import { hashApiKey } from "../apiKey/service.js";
import { nowIso, type ServiceContext } from "../context.js";
import { deleteSession, findSession, insertSession } from "./store.js";

/** How long a browser stays signed in without signing in again. */
export const SESSION_DAYS = 7;
const DAY_MS = 86_400_000;

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export interface SignedIn {
  token: string;
  principal: Principal;
  expiresAt: string;
}

export interface SessionService {
  /** Signs a browser in with an API key: the session lasts until it expires or the key is revoked. */
  signIn(apiKey: string): Promise<SignedIn>;
  /** Who a session cookie stands for; Unauthorized when it ended. */
  principalOf(token: string): Promise<Principal & { expiresAt: string }>;
  signOut(token: string): Promise<void>;
}

/**
 * Web sessions for the workspace UI: the browser keeps a random token in an httpOnly cookie; the
 * database keeps its hash and the hash of the key it was opened with, never either secret.
 */
export function createSessionService(ctx: ServiceContext, apiKeys: ApiKeyService): SessionService {
  const { db } = ctx.engine;
  return {
    async signIn(apiKey) {
      const principal = await apiKeys.authenticate(apiKey);
      const token = randomBytes(32).toString("base64url");
      const now = ctx.clock.now();
      const expiresAt = new Date(now.getTime() + SESSION_DAYS * DAY_MS).toISOString();
      await insertSession(db, {
        tokenHash: hashToken(token),
        keyHash: hashApiKey(apiKey),
        createdAt: now.toISOString(),
        expiresAt,
      });
      return { token, principal, expiresAt };
    },

    async principalOf(token) {
      const session = await findSession(db, hashToken(token));
      if (!session || session.expiresAt <= nowIso(ctx)) {
        throw new Unauthorized("your session has ended: sign in again");
      }
      return { ...(await apiKeys.authenticateHash(session.keyHash)), expiresAt: session.expiresAt };
    },

    async signOut(token) {
      await deleteSession(db, hashToken(token));
    },
  };
}
