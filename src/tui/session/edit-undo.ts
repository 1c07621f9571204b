import { relative } from "node:path";
import { errorMessage } from "../../contracts/errors.ts";
import type { EditSnapshots } from "../../tool/edit-snapshots.ts";
import type { SessionHost } from "./session-host.ts";

/** /undo [n]: puts back the files the agent edited in its last n turns (commands' changes stay). */
export async function undoCommand(host: SessionHost, snapshots: EditSnapshots, count: number): Promise<void> {
  if (host.refuseWhileBusy()) return;
  try {
    const { turns, files } = await snapshots.undo(count);
    if (turns === 0) return host.info("nothing to undo: no file edits by the agent in this TUI run", "warning");
    const shown = files.map((f) => relative(host.workspace, f) || f).join(", ");
    host.info(
      `undid the file edits of ${turns} turn${turns > 1 ? "s" : ""}: ${shown} (changes made by commands are not undone)`,
      "info",
    );
  } catch (error) {
    host.info(`undo failed: ${errorMessage(error)}`, "error");
  }
}
