import { resolve } from "node:path";
import { prepareAgent } from "../../app/agent-factory.ts";
import { errorMessage } from "../../contracts/errors.ts";
import { peersFromEnv } from "../../peers/directory.ts";
import { loadPrd } from "../../ralph/prd.ts";
import { describeRalphEvent } from "../../ralph/describe-event.ts";
import { applyRalphEvent, newBoard, type RalphBoard } from "./ralph-board.ts";
import type { SessionHost } from "./session-host.ts";

/**
 * /ralph: runs the PRD's loop in place of a turn. Each story's fresh agent is assembled as the TUI's is (its
 * model and profile) and asks its permissions there; Esc stops the loop, which records `stopped`. Each loop
 * event updates the Ralph view (`onBoard`) and prints one line.
 */
export async function ralphCommand(
  host: SessionHost,
  prdArg: string,
  onBoard: (board: RalphBoard) => void,
  onStart: () => void,
): Promise<void> {
  if (host.refuseWhileBusy()) return;
  let prdPath: string;
  let board: RalphBoard;
  try {
    prdPath = resolve(host.workspace, prdArg);
    board = newBoard(loadPrd(prdPath), prdPath);
  } catch (error) {
    return host.info(errorMessage(error), "error");
  }
  onBoard(board);
  await host.exclusively(`ralph: ${board.feature} (Esc stops)`, async (signal) => {
    onStart();
    try {
      const { runRalph } = await import("../../ralph/loop.ts");
      await runRalph({
        prdPath,
        dataDir: host.dataDir,
        maxIterations: 10,
        maxQualityRetries: 2,
        commit: true,
        parallel: 1,
        // The model and profile as they are when each story starts (/model may change it meanwhile).
        createAgent: (workspace) =>
          prepareAgent({
            config: host.config,
            dataDir: host.dataDir,
            workspace,
            services: { peers: peersFromEnv() },
            modelRef: host.current().model.ref,
            agent: host.current().agent,
            ask: (ask) => host.asks.askUser(ask),
            onWarning: (message) => host.info(message, "warning"),
          }),
        runner: host.prepared.hooks.commands!,
        signal,
        onEvent: (event) => {
          board = applyRalphEvent(board, event);
          onBoard(board);
          const line = describeRalphEvent(event);
          host.info(line.text, line.tone === "bad" ? "warning" : "info");
        },
        onAgentEvent: (_story, event) => host.timeline.recordEvent(event),
      });
    } catch (error) {
      host.info(`ralph: ${errorMessage(error)}`, "error");
    }
  });
}
