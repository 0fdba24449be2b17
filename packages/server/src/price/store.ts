import type { ModelPrice } from "@promptline/core";
import type { Kysely } from "kysely";
import type { Database } from "../storage/database.js";

export async function listModelPrices(
  db: Kysely<Database>,
  projectId: string,
): Promise<ModelPrice[]> {
  return db
    .selectFrom("modelPrices")
    .select(["model", "inputPerMillion", "outputPerMillion"])
    .where("projectId", "=", projectId)
    .orderBy("model")
    .execute();
}

export async function upsertModelPrice(
  db: Kysely<Database>,
  projectId: string,
  price: ModelPrice,
  change: { at: string; by: string },
): Promise<void> {
  const values = {
    inputPerMillion: price.inputPerMillion,
    outputPerMillion: price.outputPerMillion,
    updatedAt: change.at,
    updatedBy: change.by,
  };
  await db
    .insertInto("modelPrices")
    .values({ projectId, model: price.model, ...values })
    .onConflict((oc) => oc.columns(["projectId", "model"]).doUpdateSet(values))
    .execute();
}

export async function deleteModelPrice(
  db: Kysely<Database>,
  projectId: string,
  model: string,
): Promise<number> {
  const result = await db
    .deleteFrom("modelPrices")
    .where("projectId", "=", projectId)
    .where("model", "=", model)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
