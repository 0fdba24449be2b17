/** Turns token usage into money with a table of per-model prices. */

export interface ModelPrice {
  /** A model name, or a prefix that also covers dated snapshots (`gpt-4o` covers `gpt-4o-2024-08-06`). */
  model: string;
  /** USD per million input (prompt) tokens. */
  inputPerMillion: number;
  /** USD per million output (completion) tokens. */
  outputPerMillion: number;
}

/**
 * List prices (USD per million tokens) of common models, as published by their providers in
 * 2025–2026. Projects override or add entries; these only fill in what a project did not set.
 */
export const DEFAULT_MODEL_PRICES: readonly ModelPrice[] = [
  { model: "gpt-5", inputPerMillion: 1.25, outputPerMillion: 10 },
  { model: "gpt-5-mini", inputPerMillion: 0.25, outputPerMillion: 2 },
  { model: "gpt-5-nano", inputPerMillion: 0.05, outputPerMillion: 0.4 },
  { model: "gpt-4.1", inputPerMillion: 2, outputPerMillion: 8 },
  { model: "gpt-4.1-mini", inputPerMillion: 0.4, outputPerMillion: 1.6 },
  { model: "gpt-4.1-nano", inputPerMillion: 0.1, outputPerMillion: 0.4 },
  { model: "gpt-4o", inputPerMillion: 2.5, outputPerMillion: 10 },
  { model: "gpt-4o-mini", inputPerMillion: 0.15, outputPerMillion: 0.6 },
  { model: "gpt-4-turbo", inputPerMillion: 10, outputPerMillion: 30 },
  { model: "gpt-3.5-turbo", inputPerMillion: 0.5, outputPerMillion: 1.5 },
  { model: "o1", inputPerMillion: 15, outputPerMillion: 60 },
  { model: "o3", inputPerMillion: 2, outputPerMillion: 8 },
  { model: "o3-mini", inputPerMillion: 1.1, outputPerMillion: 4.4 },
  { model: "o4-mini", inputPerMillion: 1.1, outputPerMillion: 4.4 },
  { model: "claude-opus-4", inputPerMillion: 15, outputPerMillion: 75 },
  { model: "claude-sonnet-4", inputPerMillion: 3, outputPerMillion: 15 },
  { model: "claude-3-7-sonnet", inputPerMillion: 3, outputPerMillion: 15 },
  { model: "claude-3-5-sonnet", inputPerMillion: 3, outputPerMillion: 15 },
  { model: "claude-3-5-haiku", inputPerMillion: 0.8, outputPerMillion: 4 },
  { model: "claude-haiku-4-5", inputPerMillion: 1, outputPerMillion: 5 },
  { model: "claude-3-haiku", inputPerMillion: 0.25, outputPerMillion: 1.25 },
  { model: "gemini-2.5-pro", inputPerMillion: 1.25, outputPerMillion: 10 },
  { model: "gemini-2.5-flash", inputPerMillion: 0.3, outputPerMillion: 2.5 },
  { model: "mistral-large", inputPerMillion: 2, outputPerMillion: 6 },
  { model: "mistral-small", inputPerMillion: 0.1, outputPerMillion: 0.3 },
];

/** A price table: exact names first, then the longest prefix that ends at a '-' or '@' boundary. */
export class PriceTable {
  private readonly exact = new Map<string, ModelPrice>();
  private readonly byLength: ModelPrice[];

  /** Later entries win over earlier ones with the same model name. */
  constructor(...layers: ReadonlyArray<readonly ModelPrice[]>) {
    for (const layer of layers) for (const price of layer) this.exact.set(price.model, price);
    this.byLength = [...this.exact.values()].sort((a, b) => b.model.length - a.model.length);
  }

  priceOf(model: string): ModelPrice | undefined {
    const exact = this.exact.get(model);
    if (exact) return exact;
    // Providers prefix names ("openai/gpt-4o") and suffix snapshots ("gpt-4o-2024-08-06").
    const bare = model.slice(model.lastIndexOf("/") + 1);
    const found = this.exact.get(bare);
    if (found) return found;
    return this.byLength.find(
      (p) =>
        bare.startsWith(p.model) && (bare[p.model.length] === "-" || bare[p.model.length] === "@"),
    );
  }

  /** USD for the usage, or undefined when the model has no price or no tokens were counted. */
  costOf(
    model: string | undefined,
    usage: { inputTokens?: number | undefined; outputTokens?: number | undefined } | undefined,
  ): number | undefined {
    if (!model || !usage) return undefined;
    if (usage.inputTokens === undefined && usage.outputTokens === undefined) return undefined;
    const price = this.priceOf(model);
    if (!price) return undefined;
    const cost =
      ((usage.inputTokens ?? 0) * price.inputPerMillion +
        (usage.outputTokens ?? 0) * price.outputPerMillion) /
      1_000_000;
    return Math.round(cost * 1e9) / 1e9;
  }
}
