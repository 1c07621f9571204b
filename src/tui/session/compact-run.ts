import { errorMessage } from "../../contracts/errors.ts";
import type { SessionHost } from "./session-host.ts";

/** /compact: folds older turns into a summary now instead of waiting for the context to fill. */
export async function compactCommand(host: SessionHost): Promise<void> {
  if (host.refuseWhileBusy()) return;
  // Not interruptible: compaction takes no signal, so Esc has nothing to stop.
  await host.exclusively(
    "compacting…",
    async () => {
      try {
        let folded = false;
        const { session, model } = host.current();
        for await (const event of host.prepared.compact({ session, model })) {
          if (event.type === "compaction") folded = true;
        }
        host.info(
          folded
            ? "compacted: older turns are now a summary in the model's context"
            : "nothing to compact yet (only one turn)",
          "info",
        );
      } catch (error) {
        host.info(`compaction failed: ${errorMessage(error)}`, "error");
      }
    },
    false,
  );
}
