import {
  AliasNode,
  ColumnNode,
  ColumnUpdateNode,
  DeleteQueryNode,
  IdentifierNode,
  InsertQueryNode,
  type OperationNode,
  OperationNodeTransformer,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  PrimitiveValueListNode,
  type QueryId,
  type QueryResult,
  ReferenceNode,
  type RootOperationNode,
  SelectAllNode,
  type SelectionNode,
  SelectQueryNode,
  TableNode,
  type UnknownRow,
  UpdateQueryNode,
  ValueListNode,
  ValueNode,
  type ValuesItemNode,
  ValuesNode,
} from "kysely";
import { Naming } from "./naming.js";
import { type Codec, codecOf, codecsOf, storedParameter } from "./stored-values.js";

/** Applies the NUL policy to every parameter of every query, reads included. */
class StoredParameters extends OperationNodeTransformer {
  protected override transformValue(node: ValueNode): ValueNode {
    return { ...node, value: storedParameter(node.value) };
  }

  protected override transformPrimitiveValueList(
    node: PrimitiveValueListNode,
  ): PrimitiveValueListNode {
    return { ...node, values: node.values.map(storedParameter) };
  }
}

const storedParameters = new StoredParameters();

function tableOf(node: OperationNode): { name: string; table: string } | undefined {
  if (TableNode.is(node)) {
    const name = node.table.identifier.name;
    return { name, table: name };
  }
  if (AliasNode.is(node) && TableNode.is(node.node) && IdentifierNode.is(node.alias)) {
    return { name: node.alias.name, table: node.node.table.identifier.name };
  }
  return undefined;
}

function encodeUpdates(
  table: string,
  updates: ReadonlyArray<ColumnUpdateNode> | undefined,
): ReadonlyArray<ColumnUpdateNode> | undefined {
  return updates?.map((update) => {
    const codec = ColumnNode.is(update.column)
      ? codecOf(table, update.column.column.name)
      : undefined;
    return codec && ValueNode.is(update.value)
      ? ColumnUpdateNode.create(update.column, ValueNode.create(codec.write(update.value.value)))
      : update;
  });
}

function encodeRow(row: ValuesItemNode, codecs: ReadonlyArray<Codec | undefined>): ValuesItemNode {
  if (PrimitiveValueListNode.is(row)) {
    return PrimitiveValueListNode.create(
      row.values.map((value, i) => {
        const codec = codecs[i];
        return codec ? codec.write(value) : value;
      }),
    );
  }
  return ValueListNode.create(
    row.values.map((value, i) => {
      const codec = codecs[i];
      return codec && ValueNode.is(value) ? ValueNode.create(codec.write(value.value)) : value;
    }),
  );
}

/** Writes of the columns with a codec (JSON, booleans) take their stored form. */
function encodeColumns(node: RootOperationNode): RootOperationNode {
  if (InsertQueryNode.is(node) && node.into) {
    const table = node.into.table.identifier.name;
    const codecs = (node.columns ?? []).map((c) => codecOf(table, c.column.name));
    return {
      ...node,
      values:
        node.values && ValuesNode.is(node.values)
          ? ValuesNode.create(node.values.values.map((row) => encodeRow(row, codecs)))
          : node.values,
      onConflict: node.onConflict && {
        ...node.onConflict,
        updates: encodeUpdates(table, node.onConflict.updates),
      },
    };
  }
  if (UpdateQueryNode.is(node) && node.table) {
    const table = tableOf(node.table)?.table;
    return table ? { ...node, updates: encodeUpdates(table, node.updates) } : node;
  }
  return node;
}

/** The output columns of a query that have a codec, by the key they have in result rows. */
function decodedColumns(node: RootOperationNode): Array<[string, Codec]> {
  let scope: Array<OperationNode | undefined> = [];
  let selections: ReadonlyArray<SelectionNode> | undefined;
  if (SelectQueryNode.is(node)) {
    scope = [...(node.from?.froms ?? []), ...(node.joins ?? []).map((join) => join.table)];
    selections = node.selections;
  } else if (InsertQueryNode.is(node) || UpdateQueryNode.is(node)) {
    scope = [InsertQueryNode.is(node) ? node.into : node.table];
    selections = node.returning?.selections;
  } else if (DeleteQueryNode.is(node)) {
    scope = [...node.from.froms];
    selections = node.returning?.selections;
  }
  if (!selections) return [];
  const tables = scope.flatMap((from) => (from ? (tableOf(from) ?? []) : []));
  const tableNamed = (ref: TableNode | undefined) =>
    ref ? tables.filter((t) => t.name === ref.table.identifier.name) : tables;
  const codecOfColumn = (column: string, ref: TableNode | undefined) =>
    tableNamed(ref)
      .map((t) => codecOf(t.table, column))
      .find(Boolean);
  const decoded: Array<[string, Codec]> = [];
  for (const { selection } of selections) {
    if (SelectAllNode.is(selection)) {
      for (const t of tables) decoded.push(...codecsOf(t.table));
    } else if (ReferenceNode.is(selection) && SelectAllNode.is(selection.column)) {
      for (const t of tableNamed(selection.table)) decoded.push(...codecsOf(t.table));
    } else {
      const aliased = AliasNode.is(selection) && IdentifierNode.is(selection.alias);
      const target = AliasNode.is(selection) ? selection.node : selection;
      const ref = ReferenceNode.is(target) ? target : undefined;
      const column = ref?.column ?? target;
      if (!ColumnNode.is(column)) continue;
      const codec = codecOfColumn(column.column.name, ref?.table);
      const key = aliased ? (selection.alias as IdentifierNode).name : column.column.name;
      if (codec) decoded.push([key, codec]);
    }
  }
  return decoded;
}

/**
 * The one row shape, on both engines: code names tables and columns in camelCase and reads and
 * writes typed values; SQL keeps its snake_case names and stores JSON as text and booleans as
 * 0/1. Only the columns listed in stored-values.ts are converted, found from the query itself,
 * never by looking at a value. Every string parameter follows the NUL policy.
 */
export class RowShapePlugin extends Naming {
  readonly #decoded = new WeakMap<QueryId, Array<[string, Codec]>>();

  override transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const decoded = decodedColumns(args.node);
    if (decoded.length > 0) this.#decoded.set(args.queryId, decoded);
    const node = storedParameters.transformNode(encodeColumns(args.node), args.queryId);
    return super.transformQuery({ ...args, node });
  }

  override async transformResult(
    args: PluginTransformResultArgs,
  ): Promise<QueryResult<UnknownRow>> {
    const result = await super.transformResult(args);
    const decoded = this.#decoded.get(args.queryId);
    if (!decoded) return result;
    for (const row of result.rows) {
      for (const [key, codec] of decoded) if (key in row) row[key] = codec.read(row[key]);
    }
    return result;
  }
}

/** The plugin both engines' Kysely instances use. */
export const rowShape = new RowShapePlugin();
