import { resolve } from "node:path";
import { loadConfig } from "../../config/load.ts";
import { UserError } from "../../contracts/errors.ts";
import { trustedKeys } from "../../plugins/config.ts";
import { publicStatus, verifyPlugin } from "../../plugins/verify.ts";
import { printJson } from "../output.ts";

/** `codetether plugin verify DIR`: exit 0 when the plugin would run, else 1 with the reason. */
export function verifyPluginDir(dir: string, options: { config?: string; json?: boolean }): void {
  const { config } = loadConfig(options.config);
  const result = publicStatus(verifyPlugin(resolve(dir), trustedKeys(config)));
  if (options.json) {
    printJson(result);
    if (result.status === "refused") process.exitCode = 1;
    return;
  }
  if (result.status === "refused") throw new UserError(`plugin '${result.id}' refused: ${result.reason}`);
  process.stdout.write(`ok: ${result.id} ${result.version} signed by trusted key ${result.signed_by}\n`);
}
