import { glob } from "tinyglobby";

const MAX_INDEXED = 20_000;
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
    return scored
      .sort((a, b) => a[0] - b[0])
      .slice(0, limit)
      .map(([, f]) => f);
  }
}
