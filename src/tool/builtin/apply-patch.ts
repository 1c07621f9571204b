import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";
import { withDiagnostics } from "../../lsp/diagnostics-after-edit.ts";
import { withFileLocks } from "../file-lock.ts";
import { defineTool, ToolError } from "../../contracts/tool.ts";
import { pathTarget } from "../workspace-path.ts";
import description from "./apply-patch.txt";
import { parseEnvelopePatch } from "./patch/parse-envelope.ts";
import { parseUnifiedDiff } from "./patch/parse-unified.ts";
import { planChanges, type PlannedWrite } from "./patch/plan-changes.ts";
import type { FileChange } from "./patch/types.ts";

export const applyPatchTool = defineTool({
  name: "apply_patch",
  description,
  kind: "edit",
  parameters: z.object({ patch: z.string().min(1) }),
  // Every file is authorized before any is read (a failing hunk shows file lines), and each appears once:
  // sections are planned from the file on disk, so a second section of one file would undo the first.
  targets({ patch }, ctx) {
    const targets = patchPaths(parsePatch(patch)).map((path) => pathTarget(ctx.workspace, path));
    const seen = new Set<string>();
    for (const target of targets) {
      if (seen.has(target.absolute))
        throw new ToolError(
          `the patch changes ${target.display} more than once; put all of its changes in one section`,
        );
      seen.add(target.absolute);
    }
    return targets;
  },
  async execute({ patch }, ctx, targets) {
    const changes = parsePatch(patch);
    // The files planned and written are the ones authorized, resolved once.
    const resolved = new Map(patchPaths(changes).map((path, index) => [path, targets[index]!]));
    const planned = await withFileLocks(
      [...resolved.values()].map((t) => t.absolute),
      async () => {
        const planned = await planChanges(changes, resolved);
        await writeAllOrNothing(planned);
        return planned;
      },
    );
    const written = planned.filter((p) => p.content !== undefined).map((p) => p.target.absolute);
    const summary = planned.flatMap((p) => (p.label ? [p.label] : [])).join("\n");
    return {
      output: await withDiagnostics(ctx, written, `applied patch:\n${summary}`),
      title: `${planned.length} file${planned.length === 1 ? "" : "s"}`,
      metadata: { files: planned.map((p) => p.target.absolute) },
    };
  },
});

function parsePatch(patch: string): FileChange[] {
  return patch.includes("*** Begin Patch") ? parseEnvelopePatch(patch) : parseUnifiedDiff(patch);
}

/** Every path a patch touches, in order: each file, and where an update moves it. */
function patchPaths(changes: FileChange[]): string[] {
  return changes.flatMap((c) => [c.path, ...(c.kind === "update" && c.moveTo ? [c.moveTo] : [])]);
}

/** Writes every planned change; if one fails, restores the files already touched. */
async function writeAllOrNothing(planned: PlannedWrite[]): Promise<void> {
  const done: PlannedWrite[] = [];
  try {
    for (const change of planned) {
      if (change.content === undefined) await rm(change.target.absolute);
      else {
        await mkdir(dirname(change.target.absolute), { recursive: true });
        await writeFile(change.target.absolute, change.content);
      }
      done.push(change);
    }
  } catch (error) {
    for (const change of done.reverse()) {
      if (change.before === undefined) await rm(change.target.absolute, { force: true });
      else await writeFile(change.target.absolute, change.before);
    }
    throw new ToolError(`patch not applied (rolled back): ${(error as Error).message}`);
  }
}
