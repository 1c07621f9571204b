import { format } from "node:util";
import { A2AError, InvalidAgentResponseError } from "@a2a-js/sdk/errors";

type ConsoleMethod = "log" | "info" | "warn" | "error" | "debug";
const METHODS: ConsoleMethod[] = ["log", "info", "warn", "error", "debug"];

/**
 * Sends what libraries print with `console` (the A2A SDK logs each failed request, stack included)
 * through serve's log: one escaped line per call, an error as its name and message only, so a hostile
 * request can neither forge lines nor make each refusal cost a screenful of log. Returns the undo.
 */
export function routeConsole(log: (line: string) => void): () => void {
  const saved = METHODS.map((method) => [method, console[method]] as const);
  for (const method of METHODS) {
    console[method] = (...args: unknown[]) => {
      if (args.some(isClientMistake)) return;
      log(format(...args.map((arg) => (arg instanceof Error ? `${arg.name}: ${arg.message}` : arg))));
    };
  }
  return () => {
    for (const [method, original] of saved) console[method] = original;
  };
}

/**
 * An A2A protocol error the client was answered with (an unsupported version, a finished task to
 * subscribe to): the SDK logs each as if serve had failed; the client's mistake is in its answer and in
 * the audit trail, not a server error. An agent's invalid answer is serve's own trouble and stays.
 */
function isClientMistake(arg: unknown): boolean {
  return arg instanceof A2AError && !(arg instanceof InvalidAgentResponseError);
}
