import type { Okr } from "../../okr/model.ts";
import { painter } from "../output.ts";
import { formatKeyResult } from "./okr-format.ts";

export type GateAnswer =
  { decision: "approved" } | { decision: "denied"; newIntent?: string } | { decision: "pending" };

/** Shows a drafted objective on stderr. */
export function showDraft(okr: Okr): void {
  const paint = painter(process.stderr);
  process.stderr.write(
    `\n${paint("bold", `Objective: ${okr.title}`)}\n${okr.description ? `${okr.description}\n` : ""}${okr.key_results.map((kr) => formatKeyResult(kr, paint)).join("\n")}\n\n`,
  );
}

/**
 * The approval gate of `run "/go …"`: --approve/--deny decide; else y/n on a terminal (a denial asks for
 * a new intent); else the run waits in pending_approval.
 */
export async function askApproval(flags: { approve?: boolean; deny?: boolean }): Promise<GateAnswer> {
  if (flags.approve) return { decision: "approved" };
  if (flags.deny) return { decision: "denied" };
  if (!process.stdin.isTTY) return { decision: "pending" };
  // Loaded only to ask: every `run` loads this module, and readline only a run that asks.
  const { createInterface } = await import("node:readline/promises");
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  // Ctrl+C or Ctrl+D at the prompt decides nothing: the run waits in pending_approval, and its id is printed.
  const closed = new Promise<GateAnswer>((resolve) => rl.once("close", () => resolve({ decision: "pending" })));
  try {
    return await Promise.race([closed, ask(rl)]);
  } finally {
    rl.close();
  }
}

async function ask(rl: import("node:readline/promises").Interface): Promise<GateAnswer> {
  try {
    for (;;) {
      const answer = (await rl.question("Approve this OKR? [y/n] ")).trim().toLowerCase();
      if (answer === "y" || answer === "yes") return { decision: "approved" };
      if (answer === "n" || answer === "no") {
        const intent = (await rl.question("New intent (empty to stop): ")).trim();
        return { decision: "denied", ...(intent ? { newIntent: intent } : {}) };
      }
    }
  } catch {
    return { decision: "pending" }; // the question was aborted as the interface closed
  }
}
