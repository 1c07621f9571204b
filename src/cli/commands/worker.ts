import { Command, Option } from "commander";

export function workerCommand(): Command {
  return new Command("worker")
    .description(
      "Work for a CodeTether serve: claim its queued tasks, run them with the agent here, stream results back",
    )
    .option("--server <url>", "the serve to work for (env CODETETHER_SERVER)")
    .option("--token <token>", "its bearer token (env CODETETHER_TOKEN)")
    .option("--name <name>", "worker name shown by serve (env CODETETHER_WORKER_NAME; default: hostname)")
    .option(
      "--workspaces <paths>",
      "comma-separated directories this worker serves; tasks run in them (default: current directory)",
    )
    .option("--max-concurrent-tasks <n>", "tasks run at once (env CODETETHER_WORKER_MAX_CONCURRENT_TASKS; default 4)")
    .addOption(
      new Option(
        "--auto-approve <level>",
        "what an 'ask' permission becomes: all, safe (reads and edits inside the workspace) or none (default safe)",
      ).choices(["all", "safe", "none"]),
    )
    .option("--hostname <host>", "probe server address (env CODETETHER_WORKER_HOST; default 0.0.0.0)")
    .option("--port <port>", "probe server port (env CODETETHER_WORKER_PORT; default 8080; 0 picks a free one)")
    .option("--no-http-server", "run without the probe server (env CODETETHER_WORKER_HTTP_DISABLED=true)")
    .addHelpText(
      "after",
      `
The probe server answers GET /health, GET /ready (registered and task stream connected), GET /worker/status,
and POST /task (look for work now). SIGTERM stops claiming, lets running tasks finish for
CODETETHER_WORKER_SHUTDOWN_GRACE_SECS (25), gives the rest back to the queue, then exits.

Heartbeats go out every CODETETHER_WORKER_HEARTBEAT_INTERVAL_SECS (30) with the worker's status, active tasks,
sub-agents and, unless CODETETHER_WORKER_COGNITION_SHARE_ENABLED=false, the local cognition status read from
CODETETHER_WORKER_COGNITION_SOURCE_URL (http://127.0.0.1:4096; _INCLUDE_THOUGHTS, _THOUGHT_MAX_CHARS 480, _TIMEOUT_MS 2500),
with the worker's token when that is the --server, else with that local serve's own token.

Examples:
  $ codetether worker --server http://build-host:4096 --token "$CODETETHER_TOKEN"
  $ codetether worker --server http://10.0.0.5:4096 --workspaces ~/src/api,~/src/web --max-concurrent-tasks 2
  $ CODETETHER_SERVER=http://serve:4096 codetether worker --auto-approve all --no-http-server`,
    )
    .action(async (options, command: Command) => {
      const { workerAction } = await import("../worker/worker-action.ts");
      await workerAction({ ...command.optsWithGlobals(), ...options });
    });
}
