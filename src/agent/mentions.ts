import { readFile, stat } from "node:fs/promises";
import { resolveWorkspacePath } from "../tool/workspace-path.ts";

const MAX_MENTION_BYTES = 50 * 1024;

/**
 * Appends the content of every `@path` the prompt mentions that is a readable file inside the workspace,
 * so the model sees what the user pointed at without a read_file round trip.
 */
export async function expandMentions(prompt: string, workspace: string): Promise<string> {
  const paths = [...new Set([...prompt.matchAll(/(?:^|\s)@([^\s]+)/g)].map((m) => m[1]!.replace(/[.,;:!?)]+$/, "")))];
  const attached: string[] = [];
  for (const path of paths) {
    const target = resolveWorkspacePath(workspace, path);
    if (target.external) continue;
    const info = await stat(target.absolute).catch(() => undefined);
    if (!info?.isFile()) continue;
    const content = await readFile(target.absolute, "utf8");
    const body =
      content.length > MAX_MENTION_BYTES
        ? `${content.slice(0, MAX_MENTION_BYTES)}\n[… truncated; read_file for the rest]`
        : content;
    attached.push(`<file path="${target.display}">\n${body}\n</file>`);
  }
  return attached.length ? `${prompt}\n\n${attached.join("\n\n")}` : prompt;
}
