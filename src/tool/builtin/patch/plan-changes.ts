import { readFile } from "node:fs/promises";
import { ToolError } from "../../../contracts/tool.ts";
import type { ResolvedPath } from "../../workspace-path.ts";
import { applyHunks } from "./apply-hunks.ts";
import type { FileChange } from "./types.ts";

/** One file's fate once a whole patch has been checked: its new text, or deletion. */
export interface PlannedWrite {
  target: ResolvedPath;
  /** undefined: delete the file. */
  content: string | undefined;
  /** The text before (undefined: the file did not exist), to roll back. */
  before: string | undefined;
  label: string;
}

/**
 * Computes every file's new content in memory; throws before anything is written if any part fails.
 * `resolved` holds every path of the patch (as written in it), resolved.
 */
export async function planChanges(
  changes: FileChange[],
  resolved: ReadonlyMap<string, ResolvedPath>,
): Promise<PlannedWrite[]> {
  const planned: PlannedWrite[] = [];
  const read = (target: ResolvedPath) => readFile(target.absolute, "utf8").catch(() => undefined);
  for (const change of changes) {
    const target = resolved.get(change.path)!;
    const before = await read(target);
    if (change.kind === "add") {
      if (before !== undefined)
        throw new ToolError(`cannot add ${target.display}: it already exists (use an update instead)`);
      planned.push({ target, content: change.content, before, label: `A ${target.display}` });
    } else if (before === undefined) {
      throw new ToolError(`cannot ${change.kind} ${target.display}: file not found`);
    } else if (change.kind === "delete") {
      planned.push({ target, content: undefined, before, label: `D ${target.display}` });
    } else {
      const after = applyHunks(before, change.hunks, target.display);
      if (!change.moveTo) {
        planned.push({ target, content: after, before, label: `M ${target.display}` });
        continue;
      }
      const destination = resolved.get(change.moveTo)!;
      planned.push({ target, content: undefined, before, label: `R ${target.display} → ${destination.display}` });
      planned.push({ target: destination, content: after, before: await read(destination), label: "" });
    }
  }
  return planned;
}
