import { randomUUID } from "node:crypto";
import { Socket } from "node:net";
import { connect } from "nats";
import { createBus, type AgentBus } from "../../src/bus/index.ts";
import { taskStreamName } from "../../src/bus/nats-task-history.ts";

export const NATS_URL = "nats://127.0.0.1:4222";

/** Why NATS tests must skip, or undefined when the local server answers. */
export async function natsUnavailableReason(): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (reason?: string) => {
      socket.destroy();
      resolve(reason);
    };
    socket.setTimeout(1_000, () => done(`no NATS server reachable at 127.0.0.1:4222 (timed out)`));
    socket.once("error", (error) => done(`no NATS server reachable at 127.0.0.1:4222 (${error.message})`));
    socket.connect(4222, "127.0.0.1", () => done());
  });
}

/** Buses isolated from anything else using the server: a fresh subject prefix and results bucket per run. */
export function natsFixture() {
  const run = randomUUID().replaceAll("-", "");
  const options = { url: NATS_URL, subjectPrefix: `cttest_${run}`, resultsBucket: `cttest_${run}` };
  return {
    /** The run's subject prefix (for a CLI's `[bus] subject_prefix`). */
    prefix: options.subjectPrefix,
    open: (): Promise<AgentBus> => createBus(options),
    /** The run's task history stream (made by `openTaskHistory`). */
    taskStream: taskStreamName(options.subjectPrefix),
    /** Deletes the run's results bucket and task history stream, if they were created. */
    async cleanUp(): Promise<void> {
      const connection = await connect({ servers: NATS_URL });
      try {
        const manager = await connection.jetstreamManager();
        await manager.streams.delete(`KV_${options.resultsBucket}`).catch(() => false);
        await manager.streams.delete(taskStreamName(options.subjectPrefix)).catch(() => false);
      } finally {
        await connection.close();
      }
    },
  };
}
