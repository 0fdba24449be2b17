import { z } from "zod";

/** A folder of prompt names (the part before a '/'), with how many prompts are under it. */
export const folderSchema = z.object({ path: z.string(), prompts: z.number().int() });
export const folderListSchema = z.object({ items: z.array(folderSchema) });
export type Folder = z.infer<typeof folderSchema>;
export type FolderList = z.infer<typeof folderListSchema>;
