import {
  DEFAULT_MODEL_PRICES,
  type ModelPrice,
  type ModelPriceView,
  modelNameSchema,
  NotFound,
  PriceTable,
  type Principal,
} from "@promptline/core";
import { InvalidatingCache } from "../cache/invalidating-cache.js";
import { nowIso, type ServiceContext } from "../context.js";
import { writeWithEvents } from "../event/write.js";
import { deleteModelPrice, listModelPrices, upsertModelPrice } from "./store.js";

export interface PriceService {
  /** Every price that applies to the project: its own, then the defaults it did not override. */
  listPrices(principal: Principal): Promise<ModelPriceView[]>;
  setPrice(
    principal: Principal,
    model: string,
    price: Omit<ModelPrice, "model">,
  ): Promise<ModelPriceView>;
  /** Removes the project's own price; a default for that model applies again. */
  removePrice(principal: Principal, model: string): Promise<void>;
  /** The table costs are computed with, cached until the project's prices change. */
  tableFor(projectId: string): Promise<PriceTable>;
}

export function createPriceService(ctx: ServiceContext): PriceService {
  const { db } = ctx.engine;
  const tables = new InvalidatingCache<PriceTable>(10_000, 1);
  ctx.engine.onChange(
    (change) => {
      if (change.kind === "price") tables.invalidate(change.projectId);
    },
    () => tables.clear(),
  );

  return {
    async listPrices(principal) {
      const own = await listModelPrices(db, principal.projectId);
      const ownNames = new Set(own.map((p) => p.model));
      return [
        ...own.map((p) => ({ ...p, source: "project" as const })),
        ...DEFAULT_MODEL_PRICES.filter((p) => !ownNames.has(p.model)).map((p) => ({
          ...p,
          source: "default" as const,
        })),
      ].sort((a, b) => a.model.localeCompare(b.model));
    },

    async setPrice(principal, model, price) {
      await writeWithEvents(ctx, async (trx, record) => {
        await upsertModelPrice(
          trx,
          principal.projectId,
          { model, ...price },
          {
            at: nowIso(ctx),
            by: principal.actor,
          },
        );
        await record({
          projectId: principal.projectId,
          type: "price.set",
          subject: model,
          payload: price,
          actor: principal.actor,
        });
      });
      return { model, ...price, source: "project" };
    },

    async removePrice(principal, model) {
      const removed = modelNameSchema.safeParse(model).success
        ? await writeWithEvents(ctx, async (trx, record) => {
            const count = await deleteModelPrice(trx, principal.projectId, model);
            if (count > 0) {
              await record({
                projectId: principal.projectId,
                type: "price.removed",
                subject: model,
                payload: {},
                actor: principal.actor,
              });
            }
            return count;
          })
        : 0;
      if (removed === 0) {
        throw new NotFound(
          `this project sets no price of its own for '${model}' (built-in defaults cannot be removed, only overridden with PUT)`,
        );
      }
    },

    async tableFor(projectId) {
      const cached = tables.get(projectId, "");
      if (cached) return cached;
      return tables.load(
        projectId,
        "",
        async () => new PriceTable(DEFAULT_MODEL_PRICES, await listModelPrices(db, projectId)),
      );
    },
  };
}
