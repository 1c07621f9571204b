import { readFile, writeFile } from "node:fs/promises";
import { z } from "zod";
import { withDiagnostics } from "../../lsp/diagnostics-after-edit.ts";
import { withFileLocks } from "../file-lock.ts";
import { defineTool, ToolError } from "../../contracts/tool.ts";
import { pathTarget } from "../workspace-path.ts";
import { replaceExact } from "./edit.ts";
import description from "./multiedit.txt";

export const multieditTool = defineTool({
  name: "multiedit",
  description,
  kind: "edit",
  parameters: z.object({
    path: z.string(),
    edits: z
      .array(z.object({ old_string: z.string().min(1), new_string: z.string(), replace_all: z.boolean().optional() }))
      .min(1),
  }),
  targets: ({ path, edits }, ctx) => {
    const target = pathTarget(ctx.workspace, path);
    const preview = async () => {
      const before = await readFile(target.absolute, "utf8");
      return { path: target.absolute, before, after: applyEdits(before, edits, target.display).text };
    };
    return [{ ...target, preview }];
  },
  async execute({ edits }, ctx, [target]) {
    const { before, text, count } = await withFileLocks([target.absolute], async () => {
      const before = await readFile(target.absolute, "utf8").catch(() => {
        throw new ToolError(`file not found: ${target.display}`);
      });
      const { text, count } = applyEdits(before, edits, target.display);
      await writeFile(target.absolute, text);
      return { before, text, count };
    });
    return {
      output: await withDiagnostics(
        ctx,
        [target.absolute],
        `edited ${target.display} (${edits.length} edits, ${count} replacements)`,
      ),
      title: target.display,
      metadata: { path: target.absolute, before, after: text },
    };
  },
});

/** The edits applied in order, all or none: the first that fails says which it was. */
function applyEdits(
  before: string,
  edits: Array<{ old_string: string; new_string: string; replace_all?: boolean }>,
  display: string,
): { text: string; count: number } {
  let text = before;
  let count = 0;
  edits.forEach((edit, index) => {
    try {
      const updated = replaceExact(text, edit.old_string, edit.new_string, edit.replace_all ?? false, display);
      text = updated.text;
      count += updated.count;
    } catch (error) {
      throw new ToolError(
        `edit ${index + 1} of ${edits.length} failed, no edit was applied: ${(error as Error).message}`,
      );
    }
  });
  return { text, count };
}
