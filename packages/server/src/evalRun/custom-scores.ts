/**
 * Scores from the CLI's custom scorers, merged into a run's results. Gates read them as evidence,
 * so they may not replace the scores of the run's own scorers, a run takes only so many custom
 * score names, and every submission is audited (evaluation.scored).
 */
import {
  type EvalScore,
  Invalid,
  MAX_CUSTOM_SCORERS,
  NotFound,
  type SubmitEvalScoresBody,
  scorerName,
  Unprocessable,
} from "@promptline/core";
import type { Kysely } from "kysely";
import type { ServiceContext } from "../context.js";
import { writeWithEvents } from "../event/write.js";
import type { Database, EvalResultRow, EvalRunRow } from "../storage/database.js";
import { resultsOfCases, updateResultScores } from "./store.js";

/** Checks the submission against the run alone: variants it has, names its scorers do not use. */
function checkAgainstRun(run: EvalRunRow, body: SubmitEvalScoresBody): void {
  const own = new Set(run.scorers.map(scorerName));
  for (const [i, s] of body.scores.entries()) {
    if (s.variant >= run.variants.length) {
      throw new Invalid(
        `body.scores.${i}.variant: the run has variants 0 to ${run.variants.length - 1}`,
      );
    }
    if (own.has(s.name)) {
      throw new Unprocessable(
        `body.scores.${i}.name: '${s.name}' is one of the run's own scorers: a custom scorer needs another name`,
      );
    }
  }
}

/** The run's custom score names, its row taken first so concurrent submissions wait in turn. */
async function lockCustomScorers(trx: Kysely<Database>, runId: string): Promise<string[]> {
  await trx
    .updateTable("evalRuns")
    .set((eb) => ({ projectId: eb.ref("projectId") }))
    .where("id", "=", runId)
    .execute();
  const row = await trx
    .selectFrom("evalRuns")
    .select("customScorers")
    .where("id", "=", runId)
    .executeTakeFirstOrThrow();
  return row.customScorers;
}

/** The results the scores name, by `variant:caseId`; a score naming none is a 404 for all. */
async function namedResults(
  trx: Kysely<Database>,
  runId: string,
  body: SubmitEvalScoresBody,
): Promise<Map<string, EvalResultRow>> {
  const caseIds = [...new Set(body.scores.map((s) => s.caseId))];
  const rows = new Map<string, EvalResultRow>();
  for (let i = 0; i < caseIds.length; i += 500) {
    for (const row of await resultsOfCases(trx, runId, caseIds.slice(i, i + 500))) {
      rows.set(`${row.variant}:${row.caseId}`, row);
    }
  }
  const missing = body.scores.filter((s) => !rows.has(`${s.variant}:${s.caseId}`));
  if (missing.length > 0) {
    const named = missing
      .slice(0, 5)
      .map((s) => `case ${s.caseId} variant ${s.variant}`)
      .join(", ");
    throw new NotFound(
      `${missing.length} scores name items with no result in run '${runId}' (${named}${missing.length > 5 ? ", …" : ""}): score only outputs the run has`,
    );
  }
  return rows;
}

/**
 * Merges the scores into the run's results in one transaction (all or nothing) and records the
 * submission. Each score replaces the one of its name on that output, or is added to it.
 */
export async function submitCustomScores(
  ctx: ServiceContext,
  run: EvalRunRow,
  body: SubmitEvalScoresBody,
  actor: string,
): Promise<void> {
  checkAgainstRun(run, body);
  const names = [...new Set(body.scores.map((s) => s.name))].sort();
  await writeWithEvents(ctx, async (trx, record) => {
    const known = await lockCustomScorers(trx, run.id);
    const all = new Set([...known, ...names]);
    if (all.size > MAX_CUSTOM_SCORERS) {
      const added = names.filter((n) => !known.includes(n));
      throw new Unprocessable(
        `run '${run.id}' takes at most ${MAX_CUSTOM_SCORERS} custom score names: it has ${known.length} and these scores add ${added.length} more (${added.slice(0, 5).join(", ")}${added.length > 5 ? ", …" : ""})`,
      );
    }
    const rows = await namedResults(trx, run.id, body);
    const merged = new Map<string, Map<string, EvalScore>>();
    for (const s of body.scores) {
      const key = `${s.variant}:${s.caseId}`;
      let scores = merged.get(key);
      if (!scores) {
        scores = new Map((rows.get(key)?.scores ?? []).map((old) => [old.name, old]));
        merged.set(key, scores);
      }
      scores.set(s.name, {
        name: s.name,
        score: s.score ?? null,
        reason: s.reason ?? null,
        error: s.error ?? null,
      });
    }
    for (const [key, scores] of merged) {
      await updateResultScores(trx, rows.get(key) as EvalResultRow, [...scores.values()]);
    }
    if (all.size > known.length) {
      await trx
        .updateTable("evalRuns")
        .set({ customScorers: [...all] })
        .where("id", "=", run.id)
        .execute();
    }
    await record({
      projectId: run.projectId,
      type: "evaluation.scored",
      subject: run.promptName,
      payload: { runId: run.id, scorers: names, count: body.scores.length },
      actor,
    });
  });
}
