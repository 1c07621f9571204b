import { readFile, stat } from "node:fs/promises";
import { z } from "zod";
import { defineTool, ToolError } from "../../contracts/tool.ts";
import { imageMediaType } from "../image-type.ts";
import { pathTarget } from "../workspace-path.ts";
import description from "./image.txt";

const MAX_BYTES = 5 * 1024 * 1024;

export const imageTool = defineTool({
  name: "image",
  description,
  kind: "read",
  parameters: z.object({ path: z.string() }),
  targets: ({ path }, ctx) => [pathTarget(ctx.workspace, path)],
  async execute(_args, ctx, [target]) {
    if (ctx.supportsImages === false)
      throw new ToolError("the current model does not accept images; describe what you need from the file another way");
    const info = await stat(target.absolute).catch(() => undefined);
    if (!info?.isFile()) throw new ToolError(`file not found: ${target.display}`);
    if (info.size > MAX_BYTES)
      throw new ToolError(`${target.display} is ${info.size} bytes; images over ${MAX_BYTES} bytes are refused`);
    const data = await readFile(target.absolute);
    const mediaType = imageMediaType(data);
    if (!mediaType) throw new ToolError(`${target.display} is not a PNG, JPEG, GIF or WebP image`);
    return {
      output: `image ${target.display} (${mediaType}, ${info.size} bytes) is attached`,
      title: target.display,
      attachments: [{ type: "image", mediaType, data: data.toString("base64") }],
    };
  },
});
