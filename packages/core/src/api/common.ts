/**
 * Field shapes every concept's request and response schemas share: timestamps, and the bounds of
 * the integers storage keeps.
 */
import { z } from "zod";

/** A timestamp in a response. */
export const timestampSchema = z
  .string()
  .meta({ description: "ISO-8601 UTC timestamp", example: "2026-11-27T16:00:00.000Z" });

/** A timestamp in a query string. */
export const timeQuerySchema = z.iso.datetime({ offset: true, message: "an ISO-8601 timestamp" });

/** Version numbers and ids are 32-bit integers in storage: larger ones cannot exist. */
export const MAX_STORED_INT = 2_147_483_647;

/** A version number in a JSON body or response. */
export const versionNumberSchema = z
  .number()
  .int()
  .positive()
  .max(MAX_STORED_INT, `at most ${MAX_STORED_INT}`);

/** A version number in a query string or path. */
export const versionParamSchema = z.coerce
  .number()
  .int()
  .positive()
  .max(MAX_STORED_INT, `at most ${MAX_STORED_INT}`);

/** Only what is named under a folder (`support` holds `support/refunds`): prompts, datasets. */
export const folderFilterSchema = (what: string) =>
  z
    .string()
    .max(200)
    .optional()
    .meta({ description: `Only ${what} under this folder, e.g. support` });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A page cursor that is an id (a run's, a case's: UUIDs): the nextCursor of the previous page.
 * Anything else is a 400 saying so, rather than an empty page that looks like the end.
 */
export const idCursorSchema = (what: string) =>
  z
    .string()
    .regex(
      UUID,
      `a cursor is the nextCursor of the previous page: a ${what} id, a UUID such as 0193a5b0-7e1c-7cc3-9a1b-3c4d5e6f7a8b`,
    )
    .optional()
    .meta({ description: `Cursor: nextCursor of the previous page (a ${what} id)` });

/** A page of a list ordered by name: `limit` items after the last name of the previous page. */
export const namePageFields = {
  limit: z.coerce.number().int().min(1).max(500).default(100),
  after: z
    .string()
    .max(200)
    .optional()
    .meta({ description: "Cursor: the last name of the previous page" }),
};
