import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { json } from "@codemirror/lang-json";
import { EditorState, type Extension } from "@codemirror/state";
import {
  Decoration,
  EditorView,
  placeholder as emptyHint,
  keymap,
  MatchDecorator,
  ViewPlugin,
  type ViewUpdate,
} from "@codemirror/view";
import { useEffect, useRef } from "react";

/** `{{variable}}` (and sections `{{#x}}`, `{{/x}}`) stand out in templates. */
const variableMarks = new MatchDecorator({
  regexp: /\{\{[#^/]?\s*[A-Za-z_][A-Za-z0-9_.]*\s*\}\}/g,
  decoration: Decoration.mark({ class: "cm-variable" }),
});
export const highlightVariables = ViewPlugin.fromClass(
  class {
    decorations;
    constructor(view: EditorView) {
      this.decorations = variableMarks.createDeco(view);
    }
    update(update: ViewUpdate) {
      this.decorations = variableMarks.updateDeco(update, this.decorations);
    }
  },
  { decorations: (plugin) => plugin.decorations },
);

interface Props {
  value: string;
  onChange(value: string): void;
  label: string;
  language?: "template" | "json";
  /** Shown, greyed, while the editor is empty. */
  placeholder?: string;
  /** The id of what describes the content (its error, when it has one). */
  describedBy?: string;
}

/**
 * A CodeMirror editor bound to a string. The document is replaced only when the value changes
 * from outside (a reload), never while the person types.
 */
export function CodeEditor({
  value,
  onChange,
  label,
  language = "template",
  placeholder,
  describedBy,
}: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | undefined>(undefined);
  const latest = useRef(onChange);
  latest.current = onChange;

  // The editor is created once per label and language; outside changes of the value arrive
  // through the effect below, so `value` is deliberately not a dependency here.
  // biome-ignore lint/correctness/useExhaustiveDependencies: see above
  useEffect(() => {
    if (!host.current) return;
    const extensions: Extension[] = [
      history(),
      keymap.of([...defaultKeymap, ...historyKeymap]),
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({
        "aria-label": label,
        ...(describedBy && { "aria-describedby": describedBy }),
      }),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) latest.current(update.state.doc.toString());
      }),
      language === "json" ? json() : highlightVariables,
      ...(placeholder ? [emptyHint(placeholder)] : []),
    ];
    view.current = new EditorView({
      parent: host.current,
      state: EditorState.create({ doc: value, extensions }),
    });
    return () => view.current?.destroy();
  }, [label, language, describedBy]);

  useEffect(() => {
    const current = view.current;
    if (current && current.state.doc.toString() !== value) {
      current.dispatch({ changes: { from: 0, to: current.state.doc.length, insert: value } });
    }
  }, [value]);

  return <div className="code-editor" ref={host} />;
}
