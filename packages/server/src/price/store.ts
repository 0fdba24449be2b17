import type { ModelPrice } from "@promptline/core";
import type { Kysely } from "kysely";
import type { Database } from "../storage/database.js";

export async function listModelPrices(
  db: Kysely<Database>,
  projectId: string,
): Promise<ModelPrice[]> {
  const rows = await db
    .selectFrom("model_prices")
    .select(["model", "input_per_million", "output_per_million"])
    .where("project_id", "=", projectId)
    .orderBy("model")
    .execute();
  return rows.map((r) => ({
    model: r.model,
    inputPerMillion: r.input_per_million,
    outputPerMillion: r.output_per_million,
  }));
}

export async function upsertModelPrice(
  db: Kysely<Database>,
  projectId: string,
  price: ModelPrice,
  change: { at: string; by: string },
): Promise<void> {
  const values = {
    input_per_million: price.inputPerMillion,
    output_per_million: price.outputPerMillion,
    updated_at: change.at,
    updated_by: change.by,
  };
  await db
    .insertInto("model_prices")
    .values({ project_id: projectId, model: price.model, ...values })
    .onConflict((oc) => oc.columns(["project_id", "model"]).doUpdateSet(values))
    .execute();
}

export async function deleteModelPrice(
  db: Kysely<Database>,
  projectId: string,
  model: string,
): Promise<number> {
  const result = await db
    .deleteFrom("model_prices")
    .where("project_id", "=", projectId)
    .where("model", "=", model)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
