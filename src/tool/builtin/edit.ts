import { readFile, writeFile } from "node:fs/promises";
import { z } from "zod";
import { withDiagnostics } from "../../lsp/diagnostics-after-edit.ts";
import { withFileLocks } from "../file-lock.ts";
import { defineTool, ToolError } from "../../contracts/tool.ts";
import { pathTarget } from "../workspace-path.ts";
import { closestRegion } from "./closest-region.ts";
import description from "./edit.txt";

export const editTool = defineTool({
  name: "edit",
  description,
  kind: "edit",
  parameters: z.object({
    path: z.string(),
    old_string: z.string().min(1),
    new_string: z.string(),
    replace_all: z.boolean().optional(),
  }),
  targets: ({ path, old_string, new_string, replace_all }, ctx) => {
    const target = pathTarget(ctx.workspace, path);
    const preview = async () => {
      const before = await readFile(target.absolute, "utf8");
      const after = replaceExact(before, old_string, new_string, replace_all ?? false, target.display).text;
      return { path: target.absolute, before, after };
    };
    return [{ ...target, preview }];
  },
  async execute({ old_string, new_string, replace_all }, ctx, [target]) {
    const { text, updated } = await withFileLocks([target.absolute], async () => {
      const text = await readFile(target.absolute, "utf8").catch(() => {
        throw new ToolError(`file not found: ${target.display}`);
      });
      const updated = replaceExact(text, old_string, new_string, replace_all ?? false, target.display);
      await writeFile(target.absolute, updated.text);
      return { text, updated };
    });
    return {
      output: await withDiagnostics(
        ctx,
        [target.absolute],
        `edited ${target.display} (${updated.count} replacement${updated.count === 1 ? "" : "s"})`,
      ),
      title: target.display,
      metadata: { path: target.absolute, before: text, after: updated.text },
    };
  },
});

/** Exact replacement with errors that tell the model how to retry. Shared by edit and multiedit. */
export function replaceExact(text: string, oldString: string, newString: string, all: boolean, display: string) {
  if (oldString === newString) throw new ToolError("old_string and new_string are identical; nothing to change");
  const count = text.split(oldString).length - 1;
  if (count === 0) {
    const region = closestRegion(text, oldString);
    const hint = region
      ? `\nThe closest region of ${display} is:\n${region}\nRetry with old_string copied exactly from the file.`
      : "";
    throw new ToolError(`old_string not found in ${display}.${hint}`);
  }
  if (count > 1 && !all) {
    throw new ToolError(
      `old_string occurs ${count} times in ${display}; add surrounding lines to make it unique, or set replace_all`,
    );
  }
  return {
    text: all ? text.split(oldString).join(newString) : text.replace(oldString, () => newString),
    count: all ? count : 1,
  };
}
