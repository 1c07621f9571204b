import { examples } from "./examples.ts";
import { Command, Option } from "commander";

const TRANSPORTS = ["jsonrpc", "rest", "grpc"];

function peerOptions(command: Command): Command {
  return command
    .option(
      "--token <token>",
      "bearer token for the agent (default: $CODETETHER_PEER_TOKEN, $CODETETHER_AUTH_TOKEN, or <data dir>/auth-token for an agent on localhost)",
    )
    .addOption(
      new Option("--transport <name>", "use this binding instead of the card's preferred one").choices(TRANSPORTS),
    )
    .option("--json", "print the protocol objects as JSON (one per line when streaming)");
}

export function a2aCommand(): Command {
  const a2a = new Command("a2a")
    .description("Talk to any A2A agent (spec 1.0 or 0.3; JSON-RPC, REST or gRPC, chosen from its card)")
    .addHelpText(
      "after",
      examples(
        "codetether a2a card http://localhost:4096",
        'codetether a2a send http://localhost:4096 "add a --verbose flag" --stream',
        "codetether a2a get http://localhost:4096 9f2e…",
      ),
    );
  a2a
    .command("card")
    .description("Show an agent's card: interfaces, skills, capabilities, security")
    .argument("<url>", "the agent's base URL, JSON-RPC URL or card URL")
    .option("--token <token>", "bearer token, in case the card itself is protected")
    .option("--json", "print the card as JSON")
    .addHelpText(
      "after",
      "\nExamples:\n  $ codetether a2a card http://localhost:4096\n  $ codetether a2a card https://agent.example.com/.well-known/agent.json --json",
    )
    .action(async (url: string, options) => {
      const { cardAction } = await import("../a2a/a2a-actions.ts");
      await cardAction(url, options);
    });
  peerOptions(
    a2a
      .command("send")
      .description("Send a message and print the answer (exit 1 if the task failed or was canceled)")
      .argument("<url>", "the agent's base URL, JSON-RPC URL or card URL")
      .argument("<text>", "the message")
      .option("--stream", "stream progress as it happens")
      .option("--context <id>", "continue this conversation (contextId)")
      .option("--task <id>", "answer a task waiting for input (input-required)"),
  )
    .addHelpText(
      "after",
      `
Examples:
  $ codetether a2a send http://localhost:4096 "add a --verbose flag to src/cli.ts" --stream
  $ codetether a2a send http://localhost:4096/a2a "and now tests for it" --context 5d0c…
  $ codetether a2a send http://localhost:4096 yes --task 9f2e… --context 5d0c…   # approve a permission`,
    )
    .action(async (url: string, text: string, options) => {
      const { sendAction } = await import("../a2a/a2a-actions.ts");
      await sendAction(url, text, options);
    });
  peerOptions(
    a2a
      .command("get")
      .description("Show a task: state, last status message, artifacts")
      .argument("<url>", "the agent's URL")
      .argument("<task-id>", "the task"),
  )
    .addHelpText(
      "after",
      "\nExamples:\n  $ codetether a2a get http://localhost:4096 9f2e…\n  $ codetether a2a get http://localhost:4096 9f2e… --json | jq .status.state",
    )
    .action(async (url: string, taskId: string, options) => {
      const { getAction } = await import("../a2a/a2a-actions.ts");
      await getAction(url, taskId, options);
    });
  peerOptions(
    a2a
      .command("cancel")
      .description("Cancel a running task")
      .argument("<url>", "the agent's URL")
      .argument("<task-id>", "the task"),
  )
    .addHelpText("after", "\nExamples:\n  $ codetether a2a cancel http://localhost:4096 9f2e…")
    .action(async (url: string, taskId: string, options) => {
      const { cancelAction } = await import("../a2a/a2a-actions.ts");
      await cancelAction(url, taskId, options);
    });
  return a2a;
}
