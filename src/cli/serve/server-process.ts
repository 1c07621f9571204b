import { resolve } from "node:path";
import type { AuthToken } from "../../server/auth-token.ts";
import { UserError } from "../../contracts/errors.ts";
import { PORT_EXPECTED, portNumber } from "../port-number.ts";
import type { Style } from "../output.ts";
import { isDirectory } from "../../util/is-directory.ts";

/** What `serve` and `spawn` share as long-running server processes. */

/** The workspace directory from `--workspace` (default: the current directory); a one-line error when it isn't one. */
export function workspaceDir(option?: string): string {
  const workspace = resolve(option ?? process.cwd());
  if (!isDirectory(workspace)) throw new UserError(`workspace is not a directory: ${workspace}`);
  return workspace;
}

/** `CODETETHER_GRPC_PORT`, else `fallback` (0 = any free port). */
export function grpcPortFromEnv(fallback: number): number {
  const value = process.env.CODETETHER_GRPC_PORT;
  if (!value) return fallback;
  const port = portNumber(value);
  if (port === undefined) throw new UserError(`CODETETHER_GRPC_PORT ${PORT_EXPECTED}, got '${value}'`);
  return port;
}

/** Where the bearer token came from; a generated one is shown (once) since nobody else knows it. */
export function tokenLine(auth: AuthToken, paint: (style: Style, text: string) => string): string {
  if (auth.source === "env") return "from $CODETETHER_AUTH_TOKEN";
  if (auth.source === "file") return `in ${auth.path}`;
  return `${paint("bold", auth.token)}  (new; shown once, saved to ${auth.path})`;
}

/** Shuts down gracefully on SIGINT/SIGTERM; a second signal forces the exit. */
export function closeOnSignals(close: () => Promise<void>): void {
  let signals = 0;
  const stop = () => {
    if (++signals > 1) process.exit(130);
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
