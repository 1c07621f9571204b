import { readFile, stat } from "node:fs/promises";
import { glob } from "tinyglobby";
import { resolveWorkspacePath } from "../../tool/workspace-path.ts";

const MAX_INDEXED = 20_000;
const MAX_MENTION_BYTES = 50 * 1024;
const IGNORED = ["**/node_modules/**", "**/.git/**", "**/dist/**", "**/.venv/**", "**/target/**"];

/** The workspace's files for `@path` completion, listed once on first use. */
export class FileIndex {
  private files: Promise<string[]> | undefined;

  constructor(private readonly workspace: string) {}

  list(): Promise<string[]> {
    this.files ??= glob("**/*", { cwd: this.workspace, ignore: IGNORED, dot: true, onlyFiles: true })
      .then((files) => files.slice(0, MAX_INDEXED).sort())
      .catch(() => []);
    return this.files;
  }

  /** Paths matching what follows `@`: file-name prefixes first, then any path containing the query. */
  async complete(query: string, limit = 8): Promise<string[]> {
    const q = query.toLowerCase();
    const files = await this.list();
    const scored: Array<[number, string]> = [];
    for (const file of files) {
      const lower = file.toLowerCase();
      const base = lower.slice(lower.lastIndexOf("/") + 1);
      const score = lower.startsWith(q) ? 0 : base.startsWith(q) ? 1 : lower.includes(q) ? 2 : -1;
      if (score >= 0) scored.push([score * 10_000 + file.length, file]);
    }
    return scored.sort((a, b) => a[0] - b[0]).slice(0, limit).map(([, f]) => f);
  }
}

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
    const body = content.length > MAX_MENTION_BYTES ? `${content.slice(0, MAX_MENTION_BYTES)}\n[… truncated; read_file for the rest]` : content;
    attached.push(`<file path="${target.display}">\n${body}\n</file>`);
  }
  return attached.length ? `${prompt}\n\n${attached.join("\n\n")}` : prompt;
}
