import type { Tool } from "./tool.ts";
import { bashTool } from "./builtin/bash.ts";
import { editTool } from "./builtin/edit.ts";
import { globTool } from "./builtin/glob.ts";
import { grepTool } from "./builtin/grep.ts";
import { listDirTool } from "./builtin/list-dir.ts";
import { readFileTool } from "./builtin/read-file.ts";
import { writeFileTool } from "./builtin/write-file.ts";

/** The default tool set, in the order the model sees them. */
export function builtinTools(): Tool[] {
  return [readFileTool, writeFileTool, editTool, listDirTool, globTool, grepTool, bashTool] as Tool[];
}
