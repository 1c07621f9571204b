import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";
import { withDiagnostics } from "../../lsp/diagnostics-after-edit.ts";
import { defineTool, ToolError } from "../tool.ts";
import description from "./apply-patch.txt";
import { parseEnvelopePatch } from "./patch/parse-envelope.ts";
import { parseUnifiedDiff } from "./patch/parse-unified.ts";
import { planChanges, type PlannedWrite } from "./patch/plan-changes.ts";

export const applyPatchTool = defineTool({
  name: "apply_patch",
  description,
  kind: "edit",
  parameters: z.object({ patch: z.string().min(1) }),
  async execute({ patch }, ctx) {
    const changes = patch.includes("*** Begin Patch") ? parseEnvelopePatch(patch) : parseUnifiedDiff(patch);
    const planned = await planChanges(ctx.workspace, changes);
    for (const { target } of planned) {
      await ctx.authorize({ tool: "apply_patch", kind: "edit", target: target.absolute, external: target.external });
    }
    await writeAllOrNothing(planned);
    const written = planned.filter((p) => p.content !== undefined).map((p) => p.target.absolute);
    const summary = planned.flatMap((p) => (p.label ? [p.label] : [])).join("\n");
    return {
      output: await withDiagnostics(ctx, written, `applied patch:\n${summary}`),
      title: `${planned.length} file${planned.length === 1 ? "" : "s"}`,
      metadata: { files: planned.map((p) => p.target.absolute) },
    };
  },
});

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
