import { readFile, rm, writeFile } from "node:fs/promises";

/** Turns kept for /undo; older snapshots are dropped. */
const MAX_TURNS = 20;

/**
 * What files held before the agent's edits, per turn, so a front end can undo the last turns' file
 * changes (/undo). The tool runner records each edit tool's paths before it runs; the first snapshot
 * of a file in a turn is the one kept. Changes made by commands (bash) are not seen, so not undone.
 */
export class EditSnapshots {
  /** Per turn: each edited file's text before the turn (null: the file did not exist). */
  private turns: Array<Map<string, string | null>> = [];

  startTurn(): void {
    this.turns.push(new Map());
    if (this.turns.length > MAX_TURNS) this.turns.shift();
  }

  /** Called before an edit tool writes `paths`. */
  async before(paths: string[]): Promise<void> {
    const turn = this.turns.at(-1);
    if (!turn) return;
    await Promise.all(
      paths.map(async (path) => {
        if (turn.has(path)) return;
        const text = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
          if (error.code === "ENOENT") return null;
          throw error;
        });
        if (!turn.has(path)) turn.set(path, text);
      }),
    );
  }

  /** Puts back the files of the last `count` turns that edited any; returns how many turns and which files. */
  async undo(count = 1): Promise<{ turns: number; files: string[] }> {
    const undone: Array<Map<string, string | null>> = [];
    while (undone.length < count) {
      const turn = this.turns.pop();
      if (!turn) break;
      if (turn.size) undone.push(turn);
    }
    // Newest first, so each file ends as it was before the oldest undone turn.
    const files = new Set<string>();
    for (const turn of undone) {
      for (const [path, text] of turn) {
        if (text === null) await rm(path, { force: true });
        else await writeFile(path, text);
        files.add(path);
      }
    }
    return { turns: undone.length, files: [...files].sort() };
  }
}

declare module "../contracts/tool.ts" {
  interface ToolHooks {
    /** Snapshots of files before edits, for a front end's /undo; none without it. */
    editSnapshots?: EditSnapshots;
  }
}
