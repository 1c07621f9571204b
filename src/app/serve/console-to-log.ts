import { format } from "node:util";

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
    console[method] = (...args: unknown[]) =>
      log(format(...args.map((arg) => (arg instanceof Error ? `${arg.name}: ${arg.message}` : arg))));
  }
  return () => {
    for (const [method, original] of saved) console[method] = original;
  };
}
