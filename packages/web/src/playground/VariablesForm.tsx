import { Fieldset, SimpleGrid, Text, TextInput } from "@mantine/core";
import type { VariableInfo } from "@promptline/core";

/** How a variable that is not plain text is typed. */
function typeHint(type: string | undefined): string | undefined {
  if (!type || type === "string") return undefined;
  if (type === "boolean") return "true or false";
  if (type === "object" || type === "array")
    return `${type === "object" ? "an object" : "an array"}, as JSON`;
  return `a ${type}`;
}

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
    <Fieldset legend="Variables">
      {list.length === 0 && <Text c="dimmed">This version has no variables.</Text>}
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm">
        {list.map((v) => (
          <TextInput
            key={v.name}
            label={
              <>
                {v.name}
                {v.required && (
                  <Text span c="dimmed" size="xs">
                    {" "}
                    (required)
                  </Text>
                )}
              </>
            }
            description={typeHint(v.type)}
            value={values[v.name] ?? ""}
            placeholder={v.default === undefined ? "" : String(v.default)}
            onChange={(e) => onChange({ ...values, [v.name]: e.currentTarget.value })}
            ff={v.type && v.type !== "string" ? "monospace" : undefined}
          />
        ))}
      </SimpleGrid>
    </Fieldset>
  );
}
