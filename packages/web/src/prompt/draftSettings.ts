import {
  type PromptContent,
  responseFormatSchema,
  toolSchema,
  type VariableSchema,
  type VariableSpec,
  variableTypeSchema,
} from "@promptline/core";
import { sentence } from "../fieldErrors.js";

export type VariableType = VariableSpec["type"];
export const VARIABLE_TYPES = variableTypeSchema.options;

/** One variable's schema entry as the form edits it: the default as typed. */
export interface VariableInputs {
  type: VariableType;
  /** Said by the schema; undefined leaves it to the template (a plain `{{name}}` is required). */
  required: boolean | undefined;
  /** The default as typed ("" for none): text, a number, true/false, or JSON. */
  defaultText: string;
  description: string;
}

/**
 * Everything of a draft besides its messages and the four model fields, as the form holds it:
 * the variable schema, the rest of the model config and the output constraints. JSON parts are
 * kept as typed, so a half-written one is never lost.
 */
export interface SettingsInputs {
  variables: Record<string, VariableInputs>;
  topP: string;
  stop: string[];
  /** The tools as a JSON array ("" for none). */
  tools: string;
  responseFormat: "" | "text" | "json_object" | "json_schema";
  schemaName: string;
  /** The response's JSON Schema, for the json_schema format. */
  schemaJson: string;
  schemaStrict: boolean;
  /** Other provider parameters as a JSON object ("" for none). */
  extra: string;
  /** The output constraints: a JSON Schema the output must meet, a length and a pattern. */
  jsonSchema: string;
  maxLength: string;
  pattern: string;
}

/** Field key ("tools", "variables.city.default") → what is wrong with it, in words. */
export type SettingsErrors = Record<string, string>;

const pretty = (value: unknown) => (value === undefined ? "" : JSON.stringify(value, null, 2));

function defaultTextOf(spec: VariableSpec): string {
  if (spec.default === undefined) return "";
  return spec.type === "string" && typeof spec.default === "string"
    ? spec.default
    : JSON.stringify(spec.default);
}

export function settingsInputsOf(content: PromptContent): SettingsInputs {
  const config = content.config ?? {};
  const format = config.responseFormat;
  return {
    variables: Object.fromEntries(
      Object.entries(content.variables ?? {}).map(([name, spec]) => [
        name,
        {
          type: spec.type,
          required: spec.required,
          defaultText: defaultTextOf(spec),
          description: spec.description ?? "",
        },
      ]),
    ),
    topP: config.topP === undefined ? "" : String(config.topP),
    stop: config.stop ?? [],
    tools: pretty(config.tools),
    responseFormat: format?.type ?? "",
    schemaName: format?.type === "json_schema" ? format.name : "",
    schemaJson: format?.type === "json_schema" ? pretty(format.schema) : "",
    schemaStrict: format?.type === "json_schema" ? (format.strict ?? false) : false,
    extra: pretty(config.extra),
    jsonSchema: pretty(content.constraints?.jsonSchema),
    maxLength:
      content.constraints?.maxLength === undefined ? "" : String(content.constraints.maxLength),
    pattern: content.constraints?.pattern ?? "",
  };
}

/** The line a JSON.parse error points at, counted from 1, or undefined when it names no place. */
function lineOfParseError(text: string, error: unknown): number | undefined {
  const position = /position (\d+)/.exec(String((error as Error)?.message ?? ""))?.[1];
  if (position === undefined) return undefined;
  return text.slice(0, Number(position)).split("\n").length;
}

type Parsed = { value: unknown } | { error: string };

/** Reads a JSON field; a mistake is said in words, with the line it is on. */
export function parseJsonField(what: string, text: string): Parsed {
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    const line = lineOfParseError(text, error);
    return {
      error: `${what} ${what.endsWith("s") ? "are" : "is"} not valid JSON${line ? ` (line ${line})` : ""}: check the quotes, commas and brackets.`,
    };
  }
}

/** A JSON object field: undefined when empty, the object, or what is wrong. */
function objectField(what: string, text: string): Parsed | undefined {
  if (!text.trim()) return undefined;
  const parsed = parseJsonField(what, text);
  if ("error" in parsed) return parsed;
  const { value } = parsed;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { error: `${what} must be a JSON object, in braces: { … }.` };
  }
  return parsed;
}

/** A zod issue as a sentence that names the place in words ("Tool 2, function.name: …"). */
function issueText(
  prefix: (path: PropertyKey[]) => string,
  error: { issues: Array<{ path: PropertyKey[]; message: string }> },
): string {
  const issue = error.issues[0];
  if (!issue) return "";
  return sentence(`${prefix(issue.path)}${issue.message}`);
}

/** The default of a variable as its type reads it, or what is wrong with it. */
function defaultOf(name: string, input: VariableInputs): Parsed | undefined {
  const text = input.defaultText;
  if (text === "") return undefined;
  switch (input.type) {
    case "string":
      return { value: text };
    case "number":
      return Number.isFinite(Number(text)) && text.trim() !== ""
        ? { value: Number(text) }
        : { error: `The default of ${name} must be a number, such as 3 or 0.5.` };
    case "boolean":
      return text === "true" || text === "false"
        ? { value: text === "true" }
        : { error: `The default of ${name} is true or false.` };
    default: {
      const parsed = parseJsonField(`The default of ${name}`, text);
      if ("error" in parsed) return parsed;
      const isArray = Array.isArray(parsed.value);
      const isObject = typeof parsed.value === "object" && parsed.value !== null && !isArray;
      if (input.type === "array" ? !isArray : !isObject) {
        return {
          error: `The default of ${name} must be a JSON ${input.type === "array" ? "array, in brackets: [ … ]" : "object, in braces: { … }"}.`,
        };
      }
      return parsed;
    }
  }
}

/** The parts of a draft the settings make, and what is wrong with each field. */
export function readSettings(inputs: SettingsInputs): {
  parts: Pick<PromptContent, "variables" | "config" | "constraints">;
  errors: SettingsErrors;
} {
  const errors: SettingsErrors = {};
  const variables: VariableSchema = {};
  for (const [name, input] of Object.entries(inputs.variables)) {
    const spec: VariableSpec = { type: input.type };
    if (input.required !== undefined) spec.required = input.required;
    const parsed = defaultOf(name, input);
    if (parsed && "error" in parsed) errors[`variables.${name}.default`] = parsed.error;
    else if (parsed) spec.default = parsed.value;
    if (input.description.trim()) spec.description = input.description.trim();
    if (input.description.length > 1000) {
      errors[`variables.${name}.description`] = "A description is at most 1,000 characters.";
    }
    variables[name] = spec;
  }

  const config: NonNullable<PromptContent["config"]> = {};
  if (inputs.topP.trim()) {
    const topP = Number(inputs.topP);
    if (topP >= 0 && topP <= 1) config.topP = topP;
    else errors.topP = "Top p is a number from 0 to 1.";
  }
  if (inputs.stop.length > 8) errors.stop = "At most 8 stop sequences.";
  else if (inputs.stop.some((s) => s.length > 100)) {
    errors.stop = "A stop sequence is at most 100 characters.";
  } else if (inputs.stop.length > 0) config.stop = inputs.stop;

  if (inputs.tools.trim()) {
    const parsed = parseJsonField("The tools", inputs.tools);
    if ("error" in parsed) errors.tools = parsed.error;
    else {
      const tools = toolSchema.array().max(128).safeParse(parsed.value);
      if (tools.success) config.tools = tools.data;
      else {
        errors.tools = Array.isArray(parsed.value)
          ? issueText(
              ([index, ...rest]) =>
                typeof index === "number"
                  ? `Tool ${index + 1}${rest.length ? `, ${rest.join(".")}` : ""}: `
                  : "",
              tools.error,
            )
          : 'The tools are a JSON array of {"type": "function", "function": {"name": …}}.';
      }
    }
  }

  if (inputs.responseFormat === "json_schema") {
    if (!inputs.schemaName.trim()) errors.schemaName = "Name the response's schema.";
    const schema = objectField("The response's schema", inputs.schemaJson);
    if (!schema) errors.schemaJson = "Give the JSON Schema the response must meet.";
    else if ("error" in schema) errors.schemaJson = schema.error;
    if (!errors.schemaName && !errors.schemaJson && schema && "value" in schema) {
      const format = responseFormatSchema.safeParse({
        type: "json_schema",
        name: inputs.schemaName.trim(),
        schema: schema.value,
        ...(inputs.schemaStrict && { strict: true }),
      });
      if (format.success) config.responseFormat = format.data;
      else errors.schemaName = issueText(() => "", format.error);
    }
  } else if (inputs.responseFormat) config.responseFormat = { type: inputs.responseFormat };

  const extra = objectField("The other parameters", inputs.extra);
  if (extra && "error" in extra) errors.extra = extra.error;
  else if (extra) config.extra = extra.value as Record<string, unknown>;

  const constraints: NonNullable<PromptContent["constraints"]> = {};
  const jsonSchema = objectField("The output's JSON Schema", inputs.jsonSchema);
  if (jsonSchema && "error" in jsonSchema) errors.jsonSchema = jsonSchema.error;
  else if (jsonSchema) constraints.jsonSchema = jsonSchema.value as Record<string, unknown>;
  if (inputs.maxLength.trim()) {
    const maxLength = Number(inputs.maxLength);
    if (Number.isInteger(maxLength) && maxLength > 0) constraints.maxLength = maxLength;
    else errors.maxLength = "The maximum length is a whole number of characters, 1 or more.";
  }
  if (inputs.pattern) {
    if (inputs.pattern.length > 1000) errors.pattern = "A pattern is at most 1,000 characters.";
    else {
      try {
        new RegExp(inputs.pattern);
        constraints.pattern = inputs.pattern;
      } catch (error) {
        errors.pattern = sentence(
          `The pattern is not a regular expression: ${(error as Error).message.replace(/^Invalid regular expression: /, "")}`,
        );
      }
    }
  }

  const nonEmpty = <T extends object>(value: T) =>
    Object.keys(value).length > 0 ? value : undefined;
  return {
    parts: {
      ...(nonEmpty(variables) && { variables }),
      ...(nonEmpty(config) && { config }),
      ...(nonEmpty(constraints) && { constraints }),
    },
    errors,
  };
}
