import { loadConfig } from "../../config/load.ts";
import { peersFromEnv } from "../../peers/directory.ts";
import { Sandbox } from "../../sandbox/runner.ts";
import { sandboxedLanguageServers } from "../../sandbox/language-servers.ts";
import { dataDir } from "../../config/paths.ts";
import { AgentRegistry, busOptionsFrom, createBus } from "../../bus/index.ts";
import { resolveWorkerOptions, type WorkerFlags } from "../../worker/options.ts";
import { startProbeServer } from "../../worker/probe-server.ts";
import { Worker } from "../../worker/worker.ts";
import { UserError } from "../../contracts/errors.ts";
import { SessionRecorder } from "../../durable-logs/recorder.ts";

const log = (message: string) => process.stderr.write(`codetether worker: ${message}\n`);

/** `codetether worker`: runs until SIGTERM/SIGINT (a second signal skips the grace period). */
export async function workerAction(flags: WorkerFlags & { config?: string }): Promise<void> {
  const options = resolveWorkerOptions(flags);
  const { config } = loadConfig(flags.config);
  // The worker's own bus: each task's agent joins it, publishes its events and progress on it.
  const bus = await createBus(busOptionsFrom({ bus: config.bus }));
  const registry = new AgentRegistry(bus);
  // The durable logs never stop the worker: when they cannot be opened its tasks run unrecorded.
  const recorder = await SessionRecorder.openOrWarn(dataDir(), config, (message) => log(`warning: ${message}`));
  // The tasks' agents share one set of language servers.
  const languageServers = sandboxedLanguageServers(
    new Sandbox({ config, dataDir: dataDir(), audit: recorder ? (input) => recorder.recordAudit(input) : undefined }),
  );
  const services = { recorder: recorder ?? undefined, languageServers, peers: peersFromEnv() };
  const worker = new Worker({ options, config, dataDir: dataDir(), bus, registry, services, log });

  const probe = options.probe
    ? await startProbeServer(options.probe.host, options.probe.port, {
        status: () => worker.status(),
        wake: () => worker.wake(),
      }).catch((error: Error) => {
        throw new UserError(
          `cannot start the probe server on ${options.probe!.host}:${options.probe!.port}: ${error.message} (use --port or --no-http-server)`,
        );
      })
    : undefined;
  if (probe) log(`probe server on ${probe.url}`);
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => void worker.stop());

  try {
    await worker.start();
    await worker.finished();
  } catch (error) {
    throw new UserError((error as Error).message);
  } finally {
    probe?.server.close();
    registry.close();
    await bus.close();
    languageServers.shutdown();
    await recorder?.close();
  }
  log("stopped");
}
