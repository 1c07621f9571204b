import { examples } from "./examples.ts";
import { Command } from "commander";

export function pluginCommand(): Command {
  const plugin = new Command("plugin")
    .description("Ed25519-signed plugins: MCP stdio servers in <config dir>/plugins/<id>/, run sandboxed")
    .addHelpText(
      "after",
      examples(
        "codetether plugin keygen",
        "codetether plugin sign ./my-plugin --key ~/.config/codetether-agent/plugin-signing-key.pem",
        "codetether plugin list",
      ),
    );
  plugin
    .command("keygen")
    .description("Create an Ed25519 signing key (private key file 0600) and print its public key")
    .option("--out <file>", "where to write the private key (default: <config dir>/plugin-signing-key.pem)")
    .option("--force", "overwrite an existing key file")
    .option("--json", "one JSON object: {public_key, key_file}")
    .addHelpText(
      "after",
      `
Trust the printed key in config.toml:
  [plugins]
  trusted_keys = ["ed25519:…"]

Examples:
  $ codetether plugin keygen
  $ codetether plugin keygen --out ~/keys/plugins.pem`,
    )
    .action(async (options: { out?: string; force?: boolean; json?: boolean }) => {
      const { keygen } = await import("../plugin/keygen.ts");
      keygen(options);
    });
  plugin
    .command("sign <dir>")
    .description("Sign a plugin folder: fill files, content_hash, signed_by and signature in its manifest.json")
    .requiredOption("--key <file>", "the private key file written by `plugin keygen`")
    .addHelpText(
      "after",
      "\nExamples:\n  $ codetether plugin sign ./my-plugin --key ~/.config/codetether-agent/plugin-signing-key.pem",
    )
    .action(async (dir: string, options: { key: string }) => {
      const { signPluginDir } = await import("../plugin/sign.ts");
      signPluginDir(dir, options.key);
    });
  plugin
    .command("verify <dir>")
    .description("Check a plugin folder's signature, files and signer; exits 1 with the reason when refused")
    .option("--json", "one JSON object: {id, status, reason?, …}")
    .addHelpText(
      "after",
      "\nExamples:\n  $ codetether plugin verify ./my-plugin\n  $ codetether plugin verify ~/.config/codetether-agent/plugins/weather --json",
    )
    .action(async (dir: string, options: { json?: boolean }, command: Command) => {
      const { verifyPluginDir } = await import("../plugin/verify.ts");
      verifyPluginDir(dir, { ...command.optsWithGlobals(), ...options });
    });
  plugin
    .command("list")
    .description("Every installed plugin: id, version, verified or refused (with the reason), capabilities")
    .option("--json", "one JSON array of plugins")
    .addHelpText(
      "after",
      "\nExamples:\n  $ codetether plugin list\n  $ codetether plugin list --json | jq '.[] | select(.status == \"refused\")'",
    )
    .action(async (options: { json?: boolean }, command: Command) => {
      const { listPlugins } = await import("../plugin/list.ts");
      listPlugins({ ...command.optsWithGlobals(), ...options });
    });
  return plugin;
}
