import { CamelCasePlugin } from "kysely";

/**
 * Code names tables and columns in camelCase, SQL in snake_case: this is the one mapping, used by
 * every Kysely query (through the row-shape plugin, which extends it) and by the bulk inserts.
 */
export class Naming extends CamelCasePlugin {
  constructor() {
    // Parsed JSON values keep their own keys: only column names are translated.
    super({ maintainNestedObjectKeys: true });
  }

  /** A table or column name as SQL spells it. */
  sqlName(name: string): string {
    return this.snakeCase(name);
  }
}

const naming = new Naming();

export const sqlName = (name: string): string => naming.sqlName(name);
