import Mustache from "mustache";
import { describe, expect, it } from "vitest";

/** The key mustache caches a template under, with its default tags. */
const cacheKey = (template: string) => `${template}:{{:}}`;

/** An application's own template cache, remembering what was put in it. */
class RecordingCache implements Mustache.TemplateCache {
  readonly entries = new Map<string, string>();
  get(key: string): string | undefined {
    return this.entries.get(key);
  }
  set(key: string, value: string): void {
    this.entries.set(key, value);
  }
  clear(): void {
    this.entries.clear();
  }
}

describe("promptline's templates beside an application's own mustache", () => {
  it("loading and using the template module leaves Mustache.templateCache in place", async () => {
    const before = Mustache.templateCache;
    const { compileContent } = await import("./index.js");
    expect(compileContent({ type: "text", text: "Hi {{name}}" }, { name: "Ada" })).toEqual({
      type: "text",
      text: "Hi Ada",
    });
    expect(Mustache.templateCache).toBe(before);
  });

  it("puts none of the templates it validates or compiles in mustache's cache", async () => {
    const { compileContent, validateContent } = await import("./index.js");
    const template = "Only promptline parses {{subject}}";
    validateContent({ type: "text", text: template });
    compileContent({ type: "text", text: template }, { subject: "this" });
    expect(Mustache.templateCache?.get(cacheKey(template))).toBeUndefined();
  });

  it("keeps the application's cache, tags and HTML escaping as the application set them", async () => {
    const { compileContent } = await import("./index.js");
    const ownCache = new RecordingCache();
    const defaults = { cache: Mustache.templateCache, tags: Mustache.tags };
    Mustache.templateCache = ownCache;
    Mustache.tags = ["<%", "%>"];
    try {
      const prompt = "{{greeting}}, <%name%>";
      expect(compileContent({ type: "text", text: prompt }, { greeting: "<b>Hello</b>" })).toEqual({
        type: "text",
        text: "<b>Hello</b>, <%name%>",
      });
      expect([...ownCache.entries.keys()]).toEqual([]);

      const page = "<%name%> & {{name}}";
      expect(Mustache.render(page, { name: "<b>Ada</b>" })).toBe(
        "&lt;b&gt;Ada&lt;&#x2F;b&gt; & {{name}}",
      );
      expect([...ownCache.entries.keys()]).toEqual([`${page}:<%:%>`]);
    } finally {
      Mustache.templateCache = defaults.cache;
      Mustache.tags = defaults.tags;
    }
  });
});
