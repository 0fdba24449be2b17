/**
 * How a run, a gate or an online-evaluation rule names a scorer: the deterministic checks
 * (scored by `@promptline/core/scorers`) and LLM-as-judge rubrics (a judge is a managed prompt,
 * run by the server through the project's provider connections).
 */
import { z } from "zod";
import { promptNameSchema } from "../prompt/name.js";

const text = z.string().max(10_000);

/** A scorer's name in results, reports and gate policies; defaults to its type. */
export const scorerNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:-]*$/,
    "a scorer name is letters, digits, '.', '_', ':' or '-', starting with a letter or digit",
  );

const named = { name: scorerNameSchema.optional() };

export const deterministicScorerSpecSchema = z.discriminatedUnion("type", [
  z.object({
    ...named,
    type: z.literal("equals"),
    /** What the output must be; the case's expected value when absent. */
    value: text.optional(),
    ignoreCase: z.boolean().optional(),
  }),
  z.object({
    ...named,
    type: z.enum(["contains", "not-contains"]),
    values: z.array(text.min(1)).min(1).max(100),
    /** contains: any or all of the values; not-contains: none of any, or not all together. */
    mode: z.enum(["any", "all"]).default("any"),
    ignoreCase: z.boolean().optional(),
  }),
  z.object({
    ...named,
    type: z.literal("regex"),
    pattern: z.string().min(1).max(1000),
    flags: z
      .string()
      .regex(/^[imsu]*$/, "flags are any of i, m, s and u")
      .optional(),
  }),
  z.object({ ...named, type: z.literal("json-valid") }),
  z.object({
    ...named,
    type: z.literal("json-schema"),
    /** The schema the output (read as JSON) must meet; the version's constraints' by default. */
    schema: z.record(z.string(), z.unknown()).optional(),
  }),
  z.object({
    ...named,
    type: z.literal("length"),
    min: z.number().int().min(0).optional(),
    max: z.number().int().min(0).optional(),
  }),
  /** The version's own maxLength and pattern constraints. */
  z.object({ ...named, type: z.literal("constraints") }),
  z.object({ ...named, type: z.literal("latency"), maxMs: z.number().positive() }),
  z.object({ ...named, type: z.literal("cost"), maxUsd: z.number().positive() }),
  z.object({
    ...named,
    type: z.literal("similarity"),
    /** The text to compare with; the case's expected value when absent. */
    value: text.optional(),
  }),
]);
export type DeterministicScorerSpec = z.infer<typeof deterministicScorerSpecSchema>;

/**
 * LLM-as-judge: the judge is a managed prompt whose template uses `{{input}}`, `{{output}}` and
 * `{{expected}}`; its answer must be JSON with a `score` in [0, 1] and a `reasoning`.
 */
export const judgeScorerSpecSchema = z.object({
  ...named,
  type: z.literal("judge"),
  prompt: promptNameSchema,
  /** Which of the judge prompt's versions: a label (default `latest`) or a version number. */
  label: z.string().min(1).max(64).optional(),
  version: z.number().int().positive().optional(),
  /** A connection and model other than the judge prompt's own. */
  provider: z.string().min(1).max(100).optional(),
  model: z.string().min(1).max(200).optional(),
});
export type JudgeScorerSpec = z.infer<typeof judgeScorerSpecSchema>;

/** Every scorer type, in the order the unknown-type message lists them. */
export const SCORER_TYPES = [
  ...deterministicScorerSpecSchema.options.flatMap(({ shape: { type } }) =>
    "options" in type ? type.options : [...type.values],
  ),
  "judge",
];

/**
 * One union on `type` (not a union of two unions): a known type's mistakes are reported on its
 * own fields (`pattern: expected string`), and an unknown type lists the valid ones instead of
 * zod's bare "Invalid input".
 */
export const scorerSpecSchema = z
  .discriminatedUnion("type", [...deterministicScorerSpecSchema.options, judgeScorerSpecSchema], {
    error: (issue) => {
      if (issue.code !== "invalid_union") return undefined;
      const given = (issue.input as { type?: unknown } | undefined)?.type;
      const what =
        given === undefined ? "a scorer needs a type" : `unknown scorer type ${quoted(given)}`;
      return `${what}: use one of ${SCORER_TYPES.join(", ")}`;
    },
  })
  .meta({ id: "ScorerSpec" });

function quoted(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return `'${(text ?? String(value)).slice(0, 64)}'`;
}
export type ScorerSpec = z.infer<typeof scorerSpecSchema>;

/** The name a scorer's results go under. */
export function scorerName(spec: ScorerSpec): string {
  return spec.name ?? spec.type;
}

/** A list of scorers whose names are unique (two unnamed scorers of one type need names). */
export const scorerListSchema = z
  .array(scorerSpecSchema)
  .min(1)
  .max(20)
  .superRefine((specs, ctx) => {
    const seen = new Set<string>();
    for (const [i, spec] of specs.entries()) {
      const name = scorerName(spec);
      if (seen.has(name)) {
        ctx.addIssue({
          code: "custom",
          path: [i, "name"],
          message: `two scorers are named '${name}': give each a distinct name`,
        });
      }
      seen.add(name);
    }
  });
