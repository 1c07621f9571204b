import { readFile, stat } from "node:fs/promises";
import { z } from "zod";
import { defineTool, ToolError } from "../tool.ts";
import { resolveWorkspacePath } from "../workspace-path.ts";
import description from "./image.txt";

const MAX_BYTES = 5 * 1024 * 1024;

/** Image types recognised by their first bytes (the extension may lie). */
const SIGNATURES: Array<{ mediaType: string; test: (b: Buffer) => boolean }> = [
  { mediaType: "image/png", test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { mediaType: "image/jpeg", test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { mediaType: "image/gif", test: (b) => b.subarray(0, 6).toString("latin1") === "GIF87a" || b.subarray(0, 6).toString("latin1") === "GIF89a" },
  { mediaType: "image/webp", test: (b) => b.subarray(0, 4).toString("latin1") === "RIFF" && b.subarray(8, 12).toString("latin1") === "WEBP" },
];

export const imageTool = defineTool({
  name: "image",
  description,
  kind: "read",
  parameters: z.object({ path: z.string() }),
  async execute({ path }, ctx) {
    const target = resolveWorkspacePath(ctx.workspace, path);
    await ctx.authorize({ tool: "image", kind: "read", target: target.absolute, external: target.external });
    if (ctx.supportsImages === false) throw new ToolError("the current model does not accept images; describe what you need from the file another way");
    const info = await stat(target.absolute).catch(() => undefined);
    if (!info?.isFile()) throw new ToolError(`file not found: ${target.display}`);
    if (info.size > MAX_BYTES) throw new ToolError(`${target.display} is ${info.size} bytes; images over ${MAX_BYTES} bytes are refused`);
    const data = await readFile(target.absolute);
    const mediaType = SIGNATURES.find((s) => s.test(data))?.mediaType;
    if (!mediaType) throw new ToolError(`${target.display} is not a PNG, JPEG, GIF or WebP image`);
    return {
      output: `image ${target.display} (${mediaType}, ${info.size} bytes) is attached`,
      title: target.display,
      attachments: [{ type: "image", mediaType, data: data.toString("base64") }],
    };
  },
});
