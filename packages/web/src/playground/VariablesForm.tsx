import type { VariableInfo } from "@promptline/core";

/** One input per variable, saying which are required and which are not plain text. */
export function VariablesForm({
  list,
  values,
  onChange,
}: {
  list: VariableInfo[];
  values: Record<string, string>;
  onChange(values: Record<string, string>): void;
}) {
  return (
    <fieldset className="filters">
      <legend>Variables</legend>
      {list.length === 0 && <span className="hint">This version has no variables.</span>}
      {list.map((v) => (
        <label key={v.name}>
          {v.name}
          {v.required ? " (required)" : ""}
          {v.type && v.type !== "string" ? ` — ${v.type}` : ""}
          <input
            value={values[v.name] ?? ""}
            placeholder={v.default === undefined ? "" : String(v.default)}
            onChange={(e) => onChange({ ...values, [v.name]: e.target.value })}
          />
        </label>
      ))}
    </fieldset>
  );
}
