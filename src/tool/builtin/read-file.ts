import { open, stat } from "node:fs/promises";
import { warmLanguageServer } from "../../lsp/diagnostics-after-edit.ts";
import { extname } from "node:path";
import { z } from "zod";
import { defineTool, ToolError } from "../../contracts/tool.ts";
import { MAX_BYTES, MAX_LINES } from "../truncate.ts";
import { pathTarget } from "../workspace-path.ts";
import description from "./read-file.txt";

const MAX_LINE_CHARS = 2000;
const EDIT_TOOLS = ["edit", "write_file", "multiedit", "apply_patch"];
const IMAGE_EXTENSIONS = new Set([".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".ico"]);

export const readFileTool = defineTool({
  name: "read_file",
  description,
  kind: "read",
  parameters: z.object({
    path: z.string(),
    offset: z.number().int().min(1).optional(),
    limit: z.number().int().min(1).optional(),
  }),
  // A link is judged where it leads too (the permission engine follows it): notes.txt → .env asks.
  targets: ({ path }, ctx) => [pathTarget(ctx.workspace, path)],
  async execute({ offset = 1, limit = MAX_LINES }, ctx, [target]) {
    const info = await stat(target.absolute).catch(() => undefined);
    if (!info) throw new ToolError(`file not found: ${target.display}`);
    if (info.isDirectory()) throw new ToolError(`${target.display} is a directory; use list_dir`);
    if (IMAGE_EXTENSIONS.has(extname(target.absolute).toLowerCase())) {
      throw new ToolError(`${target.display} is an image (${info.size} bytes); use the image tool to view it`);
    }
    // A file read is often edited next: its language server starts now, to have diagnostics by then
    // (not for agents without edit tools, such as explore).
    if (!target.external && ctx.tools && EDIT_TOOLS.some((name) => ctx.tools!.has(name)))
      warmLanguageServer(ctx, target.absolute);
    const buffer = await readHead(target.absolute, info.size);
    if (buffer.subarray(0, 8192).includes(0))
      throw new ToolError(`${target.display} is a binary file (${info.size} bytes)`);

    const lines = buffer.toString("utf8").split("\n");
    if (lines.at(-1) === "") lines.pop();
    if (offset > Math.max(lines.length, 1))
      throw new ToolError(`offset ${offset} is past the end of ${target.display} (${lines.length} lines)`);
    const out: string[] = [];
    let bytes = 0;
    let last = offset - 1;
    for (let i = offset - 1; i < lines.length && out.length < Math.min(limit, MAX_LINES); i++) {
      let line = lines[i]!;
      if (line.length > MAX_LINE_CHARS)
        line = `${line.slice(0, MAX_LINE_CHARS)}… [line cut at ${MAX_LINE_CHARS} chars]`;
      const numbered = `${i + 1}→${line}`;
      bytes += Buffer.byteLength(numbered) + 1;
      if (bytes > MAX_BYTES) break;
      out.push(numbered);
      last = i + 1;
    }
    const total = buffer.length < info.size ? `${lines.length}+` : `${lines.length}`;
    const partial = last < lines.length || buffer.length < info.size || offset > 1;
    if (last < lines.length || buffer.length < info.size) {
      out.push(`[showing lines ${offset}-${last} of ${total}; continue with offset ${last + 1}]`);
    }
    // What was read, in a word, for people watching: the whole file or which lines of it.
    const read = partial ? `lines ${offset}-${last} of ${total}` : `${total} line${total === "1" ? "" : "s"}`;
    return { output: out.join("\n") || "(empty file)", title: `${target.display} (${read})` };
  },
});

/** Reads at most a window large enough for the caps, so a huge file isn't loaded whole. */
async function readHead(path: string, size: number): Promise<Buffer> {
  const handle = await open(path, "r");
  try {
    const length = Math.min(size, 64 * 1024 * 1024);
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
