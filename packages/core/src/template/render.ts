import Mustache from "mustache";
import { Invalid } from "../errors/index.js";
import { DataContext, textOf } from "./data.js";
import { parseTokens } from "./parse.js";

/**
 * Work one compile may do: every section pass, text piece and lookup is a step, and a lookup one
 * more per dotted part and per 16 characters of its name, for every section level it may climb.
 * Arrays in nested sections multiply (8 levels over 10 items is 10^8 passes), so without a bound
 * one request could hold the event loop for minutes; 100,000 steps take a few milliseconds and
 * cover a loop over a few thousand items.
 */
export const MAX_RENDER_STEPS = 100_000;

/**
 * Characters one compile may repeat. The first time a piece of template text or a variable's
 * value is written it is the caller's own input; every further time it is amplification (a 4 KB
 * request looping a long value over 2,000 items asks for a million characters). Input written
 * once is never counted, so a long document passed as a variable still renders.
 */
export const MAX_REPEATED_CHARS = 256 * 1024;

export type Token = [type: string, value: string, start: number, end: number, children?: Token[]];

const format = (n: number) => n.toLocaleString("en-US");

/** What one compile has spent; shared by all the templates of a prompt. */
export class RenderBudget {
  private steps = 0;
  private repeated = 0;
  private readonly seenText = new Set<Token>();
  private readonly seenValues = new Set<string>();
  /** An object's text costs as much as the object is large: work it out once per object. */
  private readonly objectText = new WeakMap<object, string>();
  /** Where the template being rendered sits, for messages. */
  path = "";

  spend(steps: number): void {
    this.steps += steps;
    if (this.steps <= MAX_RENDER_STEPS) return;
    throw new Invalid(
      `${this.path}: rendering takes more than ${format(MAX_RENDER_STEPS)} steps (the render step limit) — sections over arrays multiply, so loop over fewer items or nest fewer sections`,
      { path: this.path, limit: "renderSteps", max: MAX_RENDER_STEPS },
    );
  }

  /** A piece of template text, counted from its second appearance on. */
  writeText(token: Token): string {
    if (this.seenText.has(token)) this.repeat(token[1].length);
    else this.seenText.add(token);
    return token[1];
  }

  /** A variable's value as text (as Mustache writes it), counted from its second appearance on. */
  writeValue(value: unknown): string {
    let piece: string;
    if (typeof value !== "object" || value === null) piece = textOf(value);
    else {
      piece = this.objectText.get(value) ?? textOf(value);
      this.objectText.set(value, piece);
    }
    if (this.seenValues.has(piece)) this.repeat(piece.length);
    else this.seenValues.add(piece);
    return piece;
  }

  private repeat(chars: number): void {
    this.repeated += chars;
    if (this.repeated <= MAX_REPEATED_CHARS) return;
    throw new Invalid(
      `${this.path}: the rendered prompt repeats more than ${format(MAX_REPEATED_CHARS)} characters (the repeated-text limit) — a section repeats its text and values once per item, so loop over fewer items or repeat less text`,
      { path: this.path, limit: "repeatedChars", max: MAX_REPEATED_CHARS },
    );
  }
}

/**
 * A lookup climbs the section contexts until one has the name, scanning and splitting the name
 * at every level: charge a step per dotted part and per 16 characters, for each level.
 */
function lookupSteps(name: string, depth: number): number {
  let parts = 1;
  for (let at = name.indexOf("."); at !== -1; at = name.indexOf(".", at + 1)) parts++;
  return (parts + (name.length >> 4)) * depth;
}

function depthOf(context: Mustache.Context): number {
  let depth = 1;
  for (let up = context.parent; up; up = up.parent) depth++;
  return depth;
}

/**
 * Mustache's writer with every step and every written character charged to a budget. It writes
 * values unescaped (prompts are not HTML) and has no partials, as prompts have none.
 */
class BudgetedWriter extends Mustache.Writer {
  constructor(private readonly budget: RenderBudget) {
    super();
  }

  // Through promptline's shared (bounded) cache, so each template is parsed once.
  override parse(template: string): Token[] {
    return parseTokens(template);
  }

  override renderTokens(
    tokens: string[][],
    context: Mustache.Context,
    partials?: Mustache.PartialsOrLookupFn,
    originalTemplate?: string,
  ): string {
    this.budget.spend(1);
    const depth = depthOf(context);
    let buffer = "";
    for (const token of tokens as Token[]) {
      const [type, name] = token;
      if (type === "text") {
        this.budget.spend(1);
        buffer += this.budget.writeText(token);
      } else if (type === "name" || type === "&") {
        this.budget.spend(lookupSteps(name, depth));
        const value: unknown = context.lookup(name);
        if (value !== undefined && value !== null) buffer += this.budget.writeValue(value);
      } else if (type === "#" || type === "^") {
        this.budget.spend(lookupSteps(name, depth));
        // Sections render their children through renderTokens, so their output is counted there.
        const piece =
          type === "#"
            ? this.renderSection(token as string[], context, partials, originalTemplate)
            : this.renderInverted(token as string[], context, partials, originalTemplate);
        if (piece !== undefined) buffer += piece;
      }
    }
    return buffer;
  }
}

/**
 * Renders one template within the budget, reading the variables as data only (see data.ts);
 * throws Invalid naming the limit it would pass. Whatever else goes wrong inside Mustache is the
 * template's or the variables' doing, so it too is an Invalid naming the template, never a 500.
 */
export function renderWithin(
  budget: RenderBudget,
  path: string,
  template: string,
  variables: Record<string, unknown>,
): string {
  budget.path = path;
  try {
    return new BudgetedWriter(budget).render(template, new DataContext(variables));
  } catch (error) {
    if (error instanceof Invalid) throw error;
    throw new Invalid(
      `${path}: the template cannot be rendered with these variables (${error instanceof Error ? error.message : String(error)}) — check the template's tags and the shape of the variables`,
      { path },
    );
  }
}
