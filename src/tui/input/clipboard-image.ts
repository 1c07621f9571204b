import { execFile } from "node:child_process";
import { MAX_IMAGE_BYTES } from "../../agent/attachments.ts";

const TIMEOUT_MS = 3000;

/** How this desktop hands out the clipboard's image as PNG bytes, and the package that provides the tool. */
interface ClipboardTool {
  command: string;
  args: string[];
  install: string;
  /** Turns the tool's output into the image's bytes; undefined when it holds no image. */
  decode: (out: Buffer) => Buffer | undefined;
}

const raw = (out: Buffer) => (out.length ? out : undefined);

function toolFor(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): ClipboardTool {
  if (platform === "darwin")
    return {
      command: "osascript",
      args: ["-e", "the clipboard as «class PNGf»"],
      install: "osascript",
      // AppleScript prints the data as `«data PNGf89504E47…»`.
      decode: (out) => {
        const hex = /«data PNGf([0-9A-Fa-f]+)»/.exec(out.toString("utf8"))?.[1];
        return hex ? Buffer.from(hex, "hex") : undefined;
      },
    };
  if (env.WAYLAND_DISPLAY)
    return { command: "wl-paste", args: ["--no-newline", "--type", "image/png"], install: "wl-clipboard", decode: raw };
  return {
    command: "xclip",
    args: ["-selection", "clipboard", "-t", "image/png", "-o"],
    install: "xclip",
    decode: raw,
  };
}

/**
 * The image on the system clipboard (Ctrl+V), read with the desktop's clipboard tool. `env` is the
 * scrubbed environment the tool runs with: it is the user's helper, not the model's, but still gets no
 * secrets. A missing tool, an empty clipboard or an oversized image is a one-line error.
 */
export function readClipboardImage(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): Promise<{ data: Buffer } | { error: string }> {
  const tool = toolFor(env, platform);
  return new Promise((resolve) => {
    execFile(
      tool.command,
      tool.args,
      // Hex doubles the size on macOS; beyond the limit the image is refused anyway.
      { env, encoding: "buffer", timeout: TIMEOUT_MS, maxBuffer: 2 * MAX_IMAGE_BYTES + 64 },
      (error, stdout) => {
        const code = (error as NodeJS.ErrnoException | null)?.code;
        if (code === "ENOENT")
          return resolve({ error: `pasting an image needs ${tool.command} (install ${tool.install})` });
        if (code === "ERR_CHILD_PROCESS_STDIO_MAXBUFFER")
          return resolve({ error: `the clipboard's image is too large (images up to ${MAX_IMAGE_BYTES} bytes)` });
        const data = error ? undefined : tool.decode(stdout);
        resolve(data ? { data } : { error: "no image on the clipboard" });
      },
    );
  });
}
