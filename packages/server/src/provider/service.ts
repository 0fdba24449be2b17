import {
  type CreateProviderBody,
  can,
  Invalid,
  NotFound,
  type Principal,
  type Provider,
  providerNameSchema,
  type UpdateProviderBody,
} from "@promptline/core";
import { InvalidatingCache } from "../cache/invalidating-cache.js";
import { nowIso, type ServiceContext } from "../context.js";
import { createWithEvent, writeWithEvents } from "../event/write.js";
import { type SecretBox, SecretMismatch } from "../secret/index.js";
import type { ProviderConnectionRow } from "../storage/database.js";
import { maskedBaseUrl } from "./base-url.js";
import {
  deleteConnection,
  findConnection,
  insertConnection,
  listConnections,
  updateConnection,
} from "./store.js";
import type { ProviderTarget } from "./upstream/types.js";

/** A connection ready to call, with the model to use when a request names none. */
export interface ConnectionTarget extends ProviderTarget {
  defaultModel: string | null;
}

export interface ProviderService {
  listProviders(principal: Principal): Promise<Provider[]>;
  getProvider(principal: Principal, name: string): Promise<Provider>;
  createProvider(principal: Principal, body: CreateProviderBody): Promise<Provider>;
  updateProvider(principal: Principal, name: string, body: UpdateProviderBody): Promise<Provider>;
  deleteProvider(principal: Principal, name: string): Promise<void>;
  /**
   * The connection a call goes through: the named one, or the project's only one. Decrypted
   * targets are cached until any instance changes the project's connections.
   */
  targetFor(projectId: string, name: string | undefined): Promise<ConnectionTarget>;
}

/** Enough of a key to tell keys apart on a screen; nothing for short keys, where it would be most of it. */
const hint = (apiKey: string) => (apiKey.length >= 16 ? `…${apiKey.slice(-4)}` : "…");

/**
 * A connection as `principal` may see it. Only those who may change a connection see its base
 * URL whole: anyone else would see a key some servers take in the query string (?api_key=…).
 */
function presentProvider(principal: Principal, row: ProviderConnectionRow): Provider {
  return {
    name: row.name,
    kind: row.kind,
    baseUrl:
      row.baseUrl === null || can(principal, "provider:manage")
        ? row.baseUrl
        : maskedBaseUrl(row.baseUrl),
    hasApiKey: row.apiKeyEncrypted !== null,
    apiKeyHint: row.apiKeyHint,
    apiKeyHeader: row.apiKeyHeader,
    defaultModel: row.defaultModel,
    timeoutMs: row.timeoutMs,
    maxRetries: row.maxRetries,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
    updatedAt: row.updatedAt,
  };
}

/** Echo answers locally: a URL or key on it would suggest traffic that never happens. */
function checkShape(row: ProviderConnectionRow): void {
  if (row.kind === "echo" && (row.baseUrl !== null || row.apiKeyEncrypted !== null)) {
    throw new Invalid("an echo provider answers locally: it takes no baseUrl and no apiKey");
  }
  if (row.kind === "anthropic" && row.apiKeyHeader !== null) {
    throw new Invalid("anthropic connections always send the key in x-api-key: drop apiKeyHeader");
  }
}

/** What the key is encrypted against: a ciphertext copied to another connection will not open. */
const boundTo = (row: { projectId: string; id: string }) => `provider:${row.projectId}:${row.id}`;

export function createProviderService(ctx: ServiceContext, secrets: SecretBox): ProviderService {
  const { db } = ctx.engine;
  const targets = new InvalidatingCache<ConnectionTarget>(10_000);
  ctx.engine.onChange(
    (change) => {
      if (change.kind === "provider") targets.invalidate(change.projectId);
    },
    () => targets.clear(),
  );

  async function requireRow(projectId: string, name: string): Promise<ProviderConnectionRow> {
    const row = providerNameSchema.safeParse(name).success
      ? await findConnection(db, projectId, name)
      : undefined;
    if (!row) {
      throw new NotFound(
        `no provider connection named '${name}' — list them with GET /api/v1/providers or create one with POST /api/v1/providers`,
      );
    }
    return row;
  }

  function targetOf(row: ProviderConnectionRow): ConnectionTarget {
    let apiKey: string | null = null;
    if (row.apiKeyEncrypted !== null) {
      try {
        apiKey = secrets.open(row.apiKeyEncrypted, boundTo(row));
      } catch (error) {
        if (!(error instanceof SecretMismatch)) throw error;
        throw new Invalid(
          `the API key of provider '${row.name}' cannot be decrypted: ${error.message}. Give every instance the same PROMPTLINE_SECRET_KEY, or set the key again with PATCH /api/v1/providers/${row.name}`,
        );
      }
    }
    return {
      name: row.name,
      kind: row.kind,
      baseUrl: row.baseUrl,
      apiKey,
      apiKeyHeader: row.apiKeyHeader,
      timeoutMs: row.timeoutMs,
      maxRetries: row.maxRetries,
      defaultModel: row.defaultModel,
    };
  }

  const event = (
    principal: Principal,
    type: "provider.created" | "provider.updated" | "provider.deleted",
    row: ProviderConnectionRow,
  ) => ({
    projectId: principal.projectId,
    type,
    subject: row.name,
    // The audit log says that a key or URL changed, never the secrets they hold.
    payload: {
      kind: row.kind,
      baseUrl: row.baseUrl === null ? null : maskedBaseUrl(row.baseUrl),
      apiKeyHint: row.apiKeyHint,
    },
    actor: principal.actor,
  });

  return {
    async listProviders(principal) {
      return (await listConnections(db, principal.projectId)).map((row) =>
        presentProvider(principal, row),
      );
    },

    async getProvider(principal, name) {
      return presentProvider(principal, await requireRow(principal.projectId, name));
    },

    async createProvider(principal, body) {
      const now = nowIso(ctx);
      const row: ProviderConnectionRow = {
        id: ctx.newId(),
        projectId: principal.projectId,
        name: body.name,
        kind: body.kind,
        baseUrl: body.baseUrl ?? null,
        apiKeyEncrypted: null,
        apiKeyHint: body.apiKey ? hint(body.apiKey) : null,
        apiKeyHeader: body.apiKeyHeader ?? null,
        defaultModel: body.defaultModel ?? null,
        timeoutMs: body.timeoutMs,
        maxRetries: body.maxRetries,
        createdAt: now,
        createdBy: principal.actor,
        updatedAt: now,
      };
      if (body.apiKey) row.apiKeyEncrypted = secrets.seal(body.apiKey, boundTo(row));
      checkShape(row);
      await createWithEvent(
        ctx,
        (trx) => insertConnection(trx, row),
        event(principal, "provider.created", row),
        `a provider connection named '${body.name}' already exists — change it with PATCH /api/v1/providers/${body.name}`,
      );
      return presentProvider(principal, row);
    },

    async updateProvider(principal, name, body) {
      const current = await requireRow(principal.projectId, name);
      const redirected =
        (body.baseUrl !== undefined && body.baseUrl !== current.baseUrl) ||
        (body.apiKeyHeader !== undefined && body.apiKeyHeader !== current.apiKeyHeader);
      if (redirected && current.apiKeyEncrypted !== null && body.apiKey === undefined) {
        // The stored key goes only where it was entered for: a new destination needs it again.
        throw new Invalid(
          "changing baseUrl or apiKeyHeader sends the key somewhere else: give apiKey again in the same request (or apiKey: null to drop it)",
        );
      }
      const row: ProviderConnectionRow = { ...current, updatedAt: nowIso(ctx) };
      if (body.baseUrl !== undefined) row.baseUrl = body.baseUrl;
      if (body.apiKeyHeader !== undefined) row.apiKeyHeader = body.apiKeyHeader;
      if (body.defaultModel !== undefined) row.defaultModel = body.defaultModel;
      if (body.timeoutMs !== undefined) row.timeoutMs = body.timeoutMs;
      if (body.maxRetries !== undefined) row.maxRetries = body.maxRetries;
      if (body.apiKey !== undefined) {
        row.apiKeyEncrypted = body.apiKey === null ? null : secrets.seal(body.apiKey, boundTo(row));
        row.apiKeyHint = body.apiKey === null ? null : hint(body.apiKey);
      }
      checkShape(row);
      await writeWithEvents(ctx, async (trx, record) => {
        await updateConnection(trx, row);
        await record(event(principal, "provider.updated", row));
      });
      return presentProvider(principal, row);
    },

    async deleteProvider(principal, name) {
      const row = await requireRow(principal.projectId, name);
      await writeWithEvents(ctx, async (trx, record) => {
        await deleteConnection(trx, row.id);
        await record(event(principal, "provider.deleted", row));
      });
    },

    async targetFor(projectId, name) {
      const cached = targets.get(projectId, name ?? "");
      if (cached) return cached;
      return targets.load(projectId, name ?? "", async () => {
        if (name !== undefined) return targetOf(await requireRow(projectId, name));
        const rows = await listConnections(db, projectId);
        if (rows.length === 1) return targetOf(rows[0] as ProviderConnectionRow);
        throw new Invalid(
          rows.length === 0
            ? "this project has no provider connection yet — create one with POST /api/v1/providers (kind openai, anthropic or echo)"
            : `this project has several provider connections (${rows.map((r) => r.name).join(", ")}): name one in the prompt's config.provider or the request's promptline.provider`,
        );
      });
    },
  };
}
