import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";
import { withDiagnostics } from "../../lsp/diagnostics-after-edit.ts";
import { withFileLocks } from "../file-lock.ts";
import { defineTool } from "../../contracts/tool.ts";
import { pathTarget } from "../workspace-path.ts";
import description from "./write-file.txt";

export const writeFileTool = defineTool({
  name: "write_file",
  description,
  kind: "edit",
  parameters: z.object({
    path: z.string(),
    content: z.string(),
  }),
  targets: ({ path, content }, ctx) => {
    const target = pathTarget(ctx.workspace, path);
    const preview = async () => {
      const before = await readFile(target.absolute, "utf8").catch(() => ""); // a new file
      return { path: target.absolute, before, after: content };
    };
    return [{ ...target, preview }];
  },
  async execute({ content }, ctx, [target]) {
    await withFileLocks([target.absolute], async () => {
      await mkdir(dirname(target.absolute), { recursive: true });
      await writeFile(target.absolute, content);
    });
    const lines = content ? content.split("\n").length : 0;
    return {
      output: await withDiagnostics(ctx, [target.absolute], `wrote ${target.display} (${lines} lines)`),
      title: target.display,
      metadata: { path: target.absolute },
    };
  },
});
