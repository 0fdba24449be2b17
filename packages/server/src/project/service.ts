import { DEFAULT_ENVIRONMENTS } from "@promptline/core";
import { generateApiKey, hashApiKey, newApiKey, storeApiKey } from "../apiKey/service.js";
import { findApiKeyByHash, findApiKeyByPublicKey } from "../apiKey/store.js";
import { ConfigError } from "../config.js";
import { nowIso, type ServiceContext } from "../context.js";
import { insertEnvironment } from "../environment/store.js";
import { writeWithEvents } from "../event/write.js";
import { findProjectByName, insertProject } from "./store.js";

export const DEFAULT_PROJECT = "default";
const SYSTEM_ACTOR = "system";

export interface BootstrapResult {
  projectId: string;
  /** Set only on the very first start, when a key was generated: print it once. */
  generatedAdminKey?: string;
}

async function findDefaultProject(ctx: ServiceContext): Promise<string | undefined> {
  return (await findProjectByName(ctx.engine.db, DEFAULT_PROJECT))?.id;
}

/** Keys an operator sets for headless start-up: an admin key and/or a Langfuse key pair. */
export interface InitKeys {
  adminKey?: string | undefined;
  pair?: { publicKey: string; secretKey: string } | undefined;
}

async function ensureInitKeys(
  ctx: ServiceContext,
  projectId: string,
  init: InitKeys,
): Promise<void> {
  await ensureInitKey(ctx, projectId, init.adminKey, null);
  await ensureInitKey(ctx, projectId, init.pair?.secretKey, init.pair?.publicKey ?? null);
}

/**
 * First start: the default project, its environments and an admin key (generated, or the one
 * given for headless set-up), in one transaction. Later starts change nothing, except that a
 * newly given init key that was never stored is added.
 */
export async function bootstrapDefaultProject(
  ctx: ServiceContext,
  init: InitKeys,
): Promise<BootstrapResult> {
  const initAdminKey = init.adminKey;
  const existing = await findDefaultProject(ctx);
  if (existing) {
    await ensureInitKeys(ctx, existing, init);
    return { projectId: existing };
  }
  const projectId = ctx.newId();
  const at = nowIso(ctx);
  const key = initAdminKey ?? generateApiKey();
  try {
    await writeWithEvents(ctx, async (trx, record) => {
      await insertProject(trx, { id: projectId, name: DEFAULT_PROJECT, createdAt: at });
      for (const env of DEFAULT_ENVIRONMENTS) {
        await insertEnvironment(trx, {
          id: ctx.newId(),
          projectId,
          name: env.name,
          protected: env.protected,
          createdAt: at,
          createdBy: SYSTEM_ACTOR,
        });
      }
      await record({
        projectId,
        type: "project.created",
        subject: DEFAULT_PROJECT,
        payload: {},
        actor: SYSTEM_ACTOR,
        at,
      });
      await storeApiKey(
        trx,
        record,
        newApiKey(ctx, projectId, "admin", "admin", key, SYSTEM_ACTOR),
      );
      if (init.pair) {
        const { publicKey, secretKey } = init.pair;
        await storeApiKey(
          trx,
          record,
          newApiKey(ctx, projectId, "langfuse", "admin", secretKey, SYSTEM_ACTOR, publicKey),
        );
      }
    });
  } catch (error) {
    // Another instance initialised the same database first: use its project.
    const raced = await findDefaultProject(ctx);
    if (!raced) throw error;
    await ensureInitKeys(ctx, raced, init);
    return { projectId: raced };
  }
  return initAdminKey ? { projectId } : { projectId, generatedAdminKey: key };
}

/**
 * Idempotent: a key already stored (even since revoked) is left as it is. A pair whose halves no
 * longer match what is stored stops the start with a message naming the setting.
 */
async function ensureInitKey(
  ctx: ServiceContext,
  projectId: string,
  secret: string | undefined,
  publicKey: string | null,
): Promise<void> {
  if (!secret) return;
  const { db } = ctx.engine;
  const stored = await findApiKeyByHash(db, hashApiKey(secret));
  if (stored) {
    if (stored.publicKey !== publicKey) {
      throw new ConfigError(
        publicKey
          ? "PROMPTLINE_INIT_SECRET_KEY is already registered with another public key — keep the pair as it was created, or choose a new secret"
          : "PROMPTLINE_INIT_ADMIN_KEY is already registered as a key pair's secret — choose another key",
      );
    }
    return;
  }
  if (publicKey && (await findApiKeyByPublicKey(db, publicKey))) {
    throw new ConfigError(
      "PROMPTLINE_INIT_PUBLIC_KEY is already registered with another secret — set the secret it was created with, or revoke that pair and choose a new public key",
    );
  }
  // Given on a later start, an admin key is how a lost one is replaced: named so it is told apart.
  const name = publicKey ? "langfuse" : "recovery";
  try {
    await writeWithEvents(ctx, (trx, record) =>
      storeApiKey(
        trx,
        record,
        newApiKey(ctx, projectId, name, "admin", secret, SYSTEM_ACTOR, publicKey),
      ),
    );
  } catch (error) {
    if (!(await findApiKeyByHash(db, hashApiKey(secret)))) throw error;
  }
}
