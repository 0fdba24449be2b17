import Mustache from "mustache";
import type { Token } from "./render.js";

/**
 * Mustache's own cache keeps every template it ever parsed; drafts change on every save, so it
 * would only grow. This one keeps the most recently used templates, bounded in count and in
 * characters, so published versions (rendered on every gateway call) are parsed once.
 */
class BoundedTemplateCache implements Mustache.TemplateCache {
  // Mustache's typings say string; it stores parsed tokens. This cache never looks inside.
  private readonly entries = new Map<string, string>();
  private chars = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxChars: number,
  ) {}

  get(key: string): string | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: string): void {
    if (key.length > this.maxChars / 4) return;
    if (this.entries.has(key)) this.entries.delete(key);
    else this.chars += key.length;
    this.entries.set(key, value);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries && this.chars <= this.maxChars) break;
      this.entries.delete(oldest);
      this.chars -= oldest.length;
    }
  }

  clear(): void {
    this.entries.clear();
    this.chars = 0;
  }
}

/** A Writer parses through its `templateCache`, which mustache's typings leave out. */
type CachingWriter = Mustache.Writer & { templateCache: Mustache.TemplateCache };

/**
 * promptline's own writer, so an application that also uses mustache keeps its global cache and
 * tags as they are: nothing here touches the `Mustache` object.
 */
const parser = new Mustache.Writer() as CachingWriter;
parser.templateCache = new BoundedTemplateCache(2000, 8_000_000);

/** Prompts use mustache's default tags, whatever an application sets as `Mustache.tags`. */
const TAGS: Mustache.OpeningAndClosingTags = ["{{", "}}"];

/** A template's tokens, parsed once and kept in promptline's bounded cache. */
export function parseTokens(template: string): Token[] {
  return parser.parse(template, TAGS) as Token[];
}
