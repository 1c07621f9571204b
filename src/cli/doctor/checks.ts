import { accessSync, constants, existsSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { delimiter, dirname, isAbsolute, join } from "node:path";
import { loadConfig } from "../../config/load.ts";
import { dataDir } from "../../config/paths.ts";
import { configSchema, type Config } from "../../config/schema.ts";
import { errorMessage } from "../../contracts/errors.ts";
import { languageServers } from "../../lsp/config.ts";
import { connectMcp } from "../../mcp/connections.ts";
import { describePlugins } from "../../plugins/installed.ts";
import { listModels } from "../../provider/model-list.ts";
import { resolveModel } from "../../provider/resolve.ts";
import { agentFiles } from "../../agent/profiles/resolve.ts";
import { describeSandbox } from "../../sandbox/runner.ts";

export interface Check {
  area: string;
  status: "ok" | "warn" | "fail";
  detail: string;
}

const ok = (area: string, detail: string): Check => ({ area, status: "ok", detail });
const warn = (area: string, detail: string): Check => ({ area, status: "warn", detail });
const fail = (area: string, detail: string): Check => ({ area, status: "fail", detail });

/** The A2A server's default ports: serve's HTTP and gRPC. */
const SERVE_PORTS = [4096, 50051];

/** Everything `doctor` looks at, in the order a new user would fix them; an invalid config is checked as the defaults. */
export async function runChecks(explicitConfig: string | undefined, workspace: string): Promise<Check[]> {
  let config: Config;
  const checks: Check[] = [];
  try {
    const loaded = loadConfig(explicitConfig);
    config = loaded.config;
    checks.push(ok("config", loaded.exists ? `${loaded.path} (valid)` : `${loaded.path} (none: the defaults apply)`));
  } catch (error) {
    config = configSchema.parse({});
    checks.push(fail("config", errorMessage(error)));
  }
  checks.push(dataDirCheck(dataDir()));
  checks.push(agentFilesCheck(workspace));
  checks.push(...(await providerChecks(config)));
  checks.push(sandboxCheck(config, await describeSandbox(config.sandbox)));
  checks.push(...languageServerChecks(config));
  checks.push(...(await mcpChecks(config, workspace)));
  checks.push(pluginsCheck(config));
  checks.push(...(await Promise.all(SERVE_PORTS.map(portCheck))));
  return checks;
}

/** Custom agent files: an invalid one fails every run that asks for its agent. */
function agentFilesCheck(workspace: string): Check {
  const files = agentFiles(workspace);
  const invalid = files.flatMap((file) => ("error" in file ? [file.error.message] : []));
  if (invalid.length) return fail("agents", invalid.join("\n"));
  return ok("agents", files.length ? `${files.length} custom agent file(s) valid` : "built-in only");
}

function dataDirCheck(dir: string): Check {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) return fail("data dir", `${dir} is not a directory`);
    try {
      accessSync(dir, constants.W_OK);
      return ok("data dir", dir);
    } catch {
      return fail("data dir", `${dir} is not writable`);
    }
  }
  let parent = dirname(dir);
  while (!existsSync(parent)) parent = dirname(parent);
  if (!statSync(parent).isDirectory()) return fail("data dir", `${dir} cannot be created: ${parent} is a file`);
  try {
    accessSync(parent, constants.W_OK);
    return ok("data dir", `${dir} (created on first use)`);
  } catch {
    return fail("data dir", `${dir} cannot be created: ${parent} is not writable`);
  }
}

async function providerChecks(config: Config): Promise<Check[]> {
  const checks = (await listModels(config)).map((listing) => {
    const where = listing.custom ? `custom, ${listing.baseUrl ?? "no base_url"}` : `key: ${listing.key}`;
    if (listing.error) return fail(`provider ${listing.provider}`, `${where}; ${listing.error}`);
    const count = `${listing.models.length} model${listing.models.length === 1 ? "" : "s"}`;
    if (!listing.custom && listing.key === "none")
      return warn(`provider ${listing.provider}`, `configured but no key found (${count})`);
    return ok(`provider ${listing.provider}`, `${where} (${count})`);
  });
  try {
    checks.push(ok("default model", (await resolveModel(undefined, config)).ref));
  } catch (error) {
    checks.push(fail("default model", errorMessage(error)));
  }
  return checks;
}

function sandboxCheck(config: Config, description: string): Check {
  if (description === "bubblewrap") return ok("sandbox", `bubblewrap (${config.sandbox.mode})`);
  return warn("sandbox", description);
}

function languageServerChecks(config: Config): Check[] {
  try {
    return languageServers(config.lsp).map((server) => {
      const found = isAbsolute(server.command) ? existsSync(server.command) : onPath(server.command);
      const what = `${server.extensions.join(" ")}`;
      return found
        ? ok(`lsp ${server.name}`, `${server.command === process.execPath ? server.args[0] : server.command} (${what})`)
        : warn(`lsp ${server.name}`, `${server.command} not found on PATH (${what} get no diagnostics)`);
    });
  } catch (error) {
    return [fail("lsp", errorMessage(error))];
  }
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? "").split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

async function mcpChecks(config: Config, workspace: string): Promise<Check[]> {
  let connections;
  try {
    connections = await connectMcp(config, workspace);
  } catch (error) {
    return [fail("mcp", errorMessage(error))]; // an invalid [mcp] section: every run fails on it
  }
  try {
    return connections.servers.map((server) => {
      const area = `mcp ${server.name}`;
      if (server.status === "disabled") return ok(area, `disabled (${server.target})`);
      if (server.status === "failed") return fail(area, `${server.target}: ${server.error ?? "failed"}`);
      return ok(area, `${server.target} (${server.tools.length} tools)`);
    });
  } finally {
    await connections.close();
  }
}

/** Installed plugins against `[plugins] trusted_keys`: refused ones are a warning, an invalid section fails every run. */
function pluginsCheck(config: Config): Check {
  let plugins;
  try {
    plugins = describePlugins(config);
  } catch (error) {
    return fail("plugins", errorMessage(error));
  }
  const refused = plugins.filter((p) => p.status === "refused").map((p) => `${p.id} refused: ${p.reason}`);
  if (refused.length) return warn("plugins", refused.join("\n"));
  return ok("plugins", plugins.length ? `${plugins.length} verified` : "none installed");
}

/** Whether serve could listen on its default port here (in use: probably a serve already running). */
function portCheck(port: number): Promise<Check> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) =>
      resolve(
        warn(
          `port ${port}`,
          `in use (${error.code}): serve needs --port${port === 50051 ? "/--grpc-port" : ""}, or one is already running`,
        ),
      ),
    );
    server.listen(port, "127.0.0.1", () =>
      server.close(() => resolve(ok(`port ${port}`, "free for codetether serve"))),
    );
  });
}
