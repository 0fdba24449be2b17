import type { PromptVersion, PublishResult } from "@promptline/core";
import { type Command, InvalidArgumentError } from "commander";
import { collect, commandContext } from "../context.js";
import { NotFoundError } from "../errors.js";
import { contentText, emit, type Io, labelsText, table } from "../output.js";

function versionLine(v: PublishResult | PromptVersion): string {
  return `${v.name} v${v.version} (${v.semver})${v.bump ? `, ${v.bump} bump` : ""} — ${v.commitMessage}`;
}

export function registerPromptCommands(program: Command, io: Io): void {
  program
    .command("create <name>")
    .description("create a prompt, optionally with its first draft from a YAML/JSON file")
    .requiredOption("-t, --type <type>", "chat or text", (v) => {
      if (v !== "chat" && v !== "text")
        throw new InvalidArgumentError("the type is 'chat' or 'text'");
      return v;
    })
    .option("-d, --description <text>", "what the prompt is for")
    .option("--tag <tag>", "a tag (repeatable)", collect)
    .option("-f, --file <path>", "initial draft")
    .action(async (name: string, opts, command: Command) => {
      const ctx = await commandContext(command, io);
      const body = {
        name,
        type: opts.type,
        ...(opts.description && { description: opts.description }),
        ...(opts.tag && { tags: opts.tag }),
        ...(opts.file && { draft: await promptFile(opts.file) }),
      };
      const prompt = await ctx.api.prompts.create(body);
      emit(io, ctx.json, prompt, () => `created ${prompt.type} prompt ${prompt.name}`);
    });

  program
    .command("list")
    .alias("ls")
    .description("list prompts with the version each environment serves")
    .option("--folder <folder>", "only prompts under this folder")
    .option("--tag <tag>", "only prompts with this tag")
    .option("-s, --search <text>", "text in name, description or tags")
    .option("--limit <n>", "page size (max 500)", "100")
    .option("--after <name>", "continue after this name")
    .action(async (opts, command: Command) => {
      const ctx = await commandContext(command, io);
      const list = await ctx.api.prompts.list({
        limit: opts.limit,
        ...(opts.folder && { folder: opts.folder }),
        ...(opts.tag && { tag: opts.tag }),
        ...(opts.search && { q: opts.search }),
        ...(opts.after && { after: opts.after }),
      });
      emit(io, ctx.json, list, () => {
        if (list.items.length === 0) return "no prompts";
        const rows = list.items.map((p) => [
          p.name,
          p.type,
          p.latestVersion,
          labelsText(p.labels),
          p.tags.join(","),
        ]);
        const more = list.nextCursor ? `\nmore: --after ${list.nextCursor}` : "";
        return table(["name", "type", "latest", "labels", "tags"], rows) + more;
      });
    });

  program
    .command("show <name>")
    .description(
      "show a prompt: labels, and the content of a version (default: latest) or the draft",
    )
    .option("--version <n>", "show this version")
    .option("--label <label>", "show the version this label points to")
    .option("--draft", "show the draft")
    .action(async (name: string, opts, command: Command) => {
      const ctx = await commandContext(command, io);
      const prompt = await ctx.api.prompts.get(name);
      const wantsDraft =
        opts.draft || (!opts.version && !opts.label && prompt.latestVersion === null);
      const ref: string | null = wantsDraft ? null : (opts.version ?? opts.label ?? "latest");
      let version: PromptVersion | null = null;
      if (ref !== null) {
        const number = /^\d+$/.test(ref)
          ? Number(ref)
          : ref === "latest"
            ? prompt.latestVersion
            : prompt.labels[ref];
        if (number === null || number === undefined) {
          throw new NotFoundError(`prompt '${name}' has no version labelled '${ref}'`);
        }
        version = await ctx.api.versions.get(name, number);
      }
      const content = await contentText(version?.content ?? prompt.draft);
      emit(io, ctx.json, { prompt, version }, () => {
        const header = [
          `${prompt.name} (${prompt.type})${prompt.description ? ` — ${prompt.description}` : ""}`,
          `tags: ${prompt.tags.join(", ") || "—"}`,
          `labels: ${labelsText(prompt.labels) || "—"}   latest: ${prompt.latestVersion ?? "—"}`,
        ];
        const which = version
          ? `version ${version.version} (${version.semver}) by ${version.author} at ${version.createdAt}: ${version.commitMessage}`
          : `draft (edited by ${prompt.draftUpdatedBy} at ${prompt.draftUpdatedAt})`;
        return [...header, "", which, ...evaluationLines(version), "", content].join("\n");
      });
    });

  program
    .command("edit <name>")
    .description("replace a prompt's draft with the content of a YAML/JSON file")
    .requiredOption("-f, --file <path>", "the new draft")
    .action(async (name: string, opts, command: Command) => {
      const ctx = await commandContext(command, io);
      const prompt = await ctx.api.prompts.saveDraft(name, await promptFile(opts.file));
      emit(
        io,
        ctx.json,
        prompt,
        () =>
          `saved the draft of ${name} (variables: ${prompt.draftVariables.join(", ") || "none"})`,
      );
    });

  program
    .command("publish <name>")
    .description("publish the draft (or a file's content) as a new immutable version")
    .requiredOption("-m, --message <text>", "commit message: what changed and why")
    .option("-f, --file <path>", "publish this content (it also becomes the draft)")
    .option("--bump <level>", "major, minor or patch (default: the server's suggestion)")
    .action(async (name: string, opts, command: Command) => {
      const ctx = await commandContext(command, io);
      const body = {
        commitMessage: opts.message,
        ...(opts.bump && { bump: opts.bump }),
        ...(opts.file && { content: await promptFile(opts.file) }),
      };
      const result = await ctx.api.versions.publish(name, body);
      emit(io, ctx.json, result, () => {
        if (!result.created) return `unchanged: identical to ${versionLine(result)}`;
        const reasons = result.suggestedBump?.reasons.map((r) => `  ${r.level}: ${r.reason}`) ?? [];
        const suggested = result.suggestedBump
          ? [`suggested bump: ${result.suggestedBump.level}`, ...reasons]
          : [];
        return [`published ${versionLine(result)}`, ...suggested].join("\n");
      });
    });

  program
    .command("versions <name>")
    .description("list a prompt's versions, newest first")
    .action(async (name: string, _opts, command: Command) => {
      const ctx = await commandContext(command, io);
      const { items } = await ctx.api.versions.list(name);
      emit(io, ctx.json, { items }, () =>
        table(
          ["version", "semver", "bump", "labels", "author", "created", "message"],
          items.map((v) => [
            v.version,
            v.semver,
            v.bump,
            v.labels.join(","),
            v.author,
            v.createdAt,
            v.commitMessage,
          ]),
        ),
      );
    });

  program
    .command("diff <name> <from> <to>")
    .description(
      "diff two versions; each side is a number, a label (production, latest …) or 'draft'",
    )
    .action(async (name: string, from: string, to: string, _opts, command: Command) => {
      const ctx = await commandContext(command, io);
      const diff = await ctx.api.versions.diff(name, { from, to });
      emit(io, ctx.json, diff, () => {
        if (diff.identical) return `no differences between ${from} and ${to}`;
        const changes = diff.changes.map((c) => `  ${c.kind.padEnd(7)} ${c.path}`);
        const bump = `suggested bump: ${diff.suggestedBump.level} (${diff.suggestedBump.reasons.map((r) => r.reason).join("; ")})`;
        return [diff.unified.trimEnd(), "", "changes:", ...changes, bump].join("\n");
      });
    });
}

/** A prompt file's content; the YAML parser and core's schemas load with the first file read. */
async function promptFile(path: string) {
  const { readPromptFile } = await import("../prompt-file.js");
  return readPromptFile(path);
}

/** A version's latest evaluation per dataset: each scorer's mean with its interval and verdict. */
function evaluationLines(version: PromptVersion | null): string[] {
  return (version?.evaluations ?? []).map((e) => {
    const verdictOf = new Map(e.verdicts.map((v) => [v.scorer, v.verdict]));
    const scores = e.scores.map((s) => {
      const verdict = verdictOf.get(s.scorer);
      return `${s.scorer} ${s.mean.toFixed(2)} [${s.low.toFixed(2)}, ${s.high.toFixed(2)}]${verdict ? ` ${verdict}` : ""}`;
    });
    return `evaluated on ${e.dataset} r${e.revision} (run ${e.runId}): ${scores.join("; ")}`;
  });
}
