import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";
import { withDiagnostics } from "../../lsp/diagnostics-after-edit.ts";
import { withFileLocks } from "../file-lock.ts";
import { defineTool } from "../tool.ts";
import { resolveWorkspacePath } from "../workspace-path.ts";
import description from "./write-file.txt";

export const writeFileTool = defineTool({
  name: "write_file",
  description,
  kind: "edit",
  parameters: z.object({
    path: z.string(),
    content: z.string(),
  }),
  async execute({ path, content }, ctx) {
    const target = resolveWorkspacePath(ctx.workspace, path);
    await ctx.authorize({ tool: "write_file", kind: "edit", target: target.absolute, external: target.external });
    await withFileLocks([target.absolute], async () => {
      await mkdir(dirname(target.absolute), { recursive: true });
      await writeFile(target.absolute, content);
    });
    const lines = content ? content.split("\n").length : 0;
    return { output: await withDiagnostics(ctx, [target.absolute], `wrote ${target.display} (${lines} lines)`), title: target.display, metadata: { path: target.absolute } };
  },
});
