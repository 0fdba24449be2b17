/** Everything the routes and the server do with datasets, from the parts that do each. */
import type { ServiceContext } from "../context.js";
import { createDatasetExport, type DatasetExport } from "./export.js";
import { createDatasetFromTraces, type DatasetFromTraces } from "./from-traces.js";
import { createDatasetImport, type DatasetImport, type DatasetImportOptions } from "./import.js";
import { createDatasetRegistry, type DatasetRegistry } from "./registry.js";

export type DatasetService = DatasetRegistry & DatasetImport & DatasetExport & DatasetFromTraces;

export type DatasetServiceOptions = DatasetImportOptions;

export function createDatasetService(
  ctx: ServiceContext,
  options: DatasetServiceOptions,
): DatasetService {
  const registry = createDatasetRegistry(ctx);
  return {
    ...registry,
    ...createDatasetImport(ctx, registry, options),
    ...createDatasetExport(ctx, registry),
    ...createDatasetFromTraces(ctx, registry),
  };
}
