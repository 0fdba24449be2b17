import {
  type CreateProviderBody,
  can,
  Invalid,
  NotFound,
  type Principal,
  type Provider,
  type ProviderKind,
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
import type { ProviderTarget } from "./types.js";

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
function toApi(principal: Principal, row: ProviderConnectionRow): Provider {
  return {
    name: row.name,
    kind: row.kind as ProviderKind,
    baseUrl:
      row.base_url === null || can(principal, "provider:manage")
        ? row.base_url
        : maskedBaseUrl(row.base_url),
    hasApiKey: row.api_key_encrypted !== null,
    apiKeyHint: row.api_key_hint,
    apiKeyHeader: row.api_key_header,
    defaultModel: row.default_model,
    timeoutMs: row.timeout_ms,
    maxRetries: row.max_retries,
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
  };
}

/** Echo answers locally: a URL or key on it would suggest traffic that never happens. */
function checkShape(row: ProviderConnectionRow): void {
  if (row.kind === "echo" && (row.base_url !== null || row.api_key_encrypted !== null)) {
    throw new Invalid("an echo provider answers locally: it takes no baseUrl and no apiKey");
  }
  if (row.kind === "anthropic" && row.api_key_header !== null) {
    throw new Invalid("anthropic connections always send the key in x-api-key: drop apiKeyHeader");
  }
}

/** What the key is encrypted against: a ciphertext copied to another connection will not open. */
const boundTo = (row: { project_id: string; id: string }) => `provider:${row.project_id}:${row.id}`;

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

  function toTarget(row: ProviderConnectionRow): ConnectionTarget {
    let apiKey: string | null = null;
    if (row.api_key_encrypted !== null) {
      try {
        apiKey = secrets.open(row.api_key_encrypted, boundTo(row));
      } catch (error) {
        if (!(error instanceof SecretMismatch)) throw error;
        throw new Invalid(
          `the API key of provider '${row.name}' cannot be decrypted: ${error.message}. Give every instance the same PROMPTLINE_SECRET_KEY, or set the key again with PATCH /api/v1/providers/${row.name}`,
        );
      }
    }
    return {
      name: row.name,
      kind: row.kind as ProviderKind,
      baseUrl: row.base_url,
      apiKey,
      apiKeyHeader: row.api_key_header,
      timeoutMs: row.timeout_ms,
      maxRetries: row.max_retries,
      defaultModel: row.default_model,
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
      baseUrl: row.base_url === null ? null : maskedBaseUrl(row.base_url),
      apiKeyHint: row.api_key_hint,
    },
    actor: principal.actor,
  });

  return {
    async listProviders(principal) {
      return (await listConnections(db, principal.projectId)).map((row) => toApi(principal, row));
    },

    async getProvider(principal, name) {
      return toApi(principal, await requireRow(principal.projectId, name));
    },

    async createProvider(principal, body) {
      const now = nowIso(ctx);
      const row: ProviderConnectionRow = {
        id: ctx.newId(),
        project_id: principal.projectId,
        name: body.name,
        kind: body.kind,
        base_url: body.baseUrl ?? null,
        api_key_encrypted: null,
        api_key_hint: body.apiKey ? hint(body.apiKey) : null,
        api_key_header: body.apiKeyHeader ?? null,
        default_model: body.defaultModel ?? null,
        timeout_ms: body.timeoutMs,
        max_retries: body.maxRetries,
        created_at: now,
        created_by: principal.actor,
        updated_at: now,
      };
      if (body.apiKey) row.api_key_encrypted = secrets.seal(body.apiKey, boundTo(row));
      checkShape(row);
      await createWithEvent(
        ctx,
        (trx) => insertConnection(trx, row),
        event(principal, "provider.created", row),
        `a provider connection named '${body.name}' already exists — change it with PATCH /api/v1/providers/${body.name}`,
      );
      return toApi(principal, row);
    },

    async updateProvider(principal, name, body) {
      const current = await requireRow(principal.projectId, name);
      const redirected =
        (body.baseUrl !== undefined && body.baseUrl !== current.base_url) ||
        (body.apiKeyHeader !== undefined && body.apiKeyHeader !== current.api_key_header);
      if (redirected && current.api_key_encrypted !== null && body.apiKey === undefined) {
        // The stored key goes only where it was entered for: a new destination needs it again.
        throw new Invalid(
          "changing baseUrl or apiKeyHeader sends the key somewhere else: give apiKey again in the same request (or apiKey: null to drop it)",
        );
      }
      const row: ProviderConnectionRow = { ...current, updated_at: nowIso(ctx) };
      if (body.baseUrl !== undefined) row.base_url = body.baseUrl;
      if (body.apiKeyHeader !== undefined) row.api_key_header = body.apiKeyHeader;
      if (body.defaultModel !== undefined) row.default_model = body.defaultModel;
      if (body.timeoutMs !== undefined) row.timeout_ms = body.timeoutMs;
      if (body.maxRetries !== undefined) row.max_retries = body.maxRetries;
      if (body.apiKey !== undefined) {
        row.api_key_encrypted =
          body.apiKey === null ? null : secrets.seal(body.apiKey, boundTo(row));
        row.api_key_hint = body.apiKey === null ? null : hint(body.apiKey);
      }
      checkShape(row);
      await writeWithEvents(ctx, async (trx, record) => {
        await updateConnection(trx, row);
        await record(event(principal, "provider.updated", row));
      });
      return toApi(principal, row);
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
        if (name !== undefined) return toTarget(await requireRow(projectId, name));
        const rows = await listConnections(db, projectId);
        if (rows.length === 1) return toTarget(rows[0] as ProviderConnectionRow);
        throw new Invalid(
          rows.length === 0
            ? "this project has no provider connection yet — create one with POST /api/v1/providers (kind openai, anthropic or echo)"
            : `this project has several provider connections (${rows.map((r) => r.name).join(", ")}): name one in the prompt's config.provider or the request's promptline.provider`,
        );
      });
    },
  };
}
