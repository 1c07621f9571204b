import { realpathSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { AuditInput } from "../audit/audit-record.ts";
import { summarizeArgs } from "../audit/summarize.ts";
import type { Config, SandboxConfig } from "../config/schema.ts";
import { configDir, configPath } from "../config/paths.ts";
import type { CommandOutcome, CommandRequest, CommandRunner, SandboxViolation } from "../contracts/command.ts";
import { bubblewrapArgs, detectBubblewrap } from "./bubblewrap.ts";
import { policyFor, type SandboxPolicy } from "./policy.ts";
import { runProcessTree } from "./process-tree.ts";
import { withLimits } from "./rlimits.ts";
import { scrubEnv } from "./scrub-env.ts";
import { ViolationSigns } from "./violations.ts";

/** Under the home directory: where credentials usually are. */
const HOME_SECRETS = [".ssh", ".gnupg", ".aws", ".kube", ".docker", ".config/gcloud", ".netrc", ".git-credentials"];
/**
 * Sockets a read-only filesystem still lets a process connect to: Docker's, the user's agents (ssh, gpg,
 * D-Bus), and services that start programs outside any sandbox for whoever may ask them (systemd, the
 * system bus, containerd, podman: for root, `systemd-run` alone would be an escape).
 */
const SOCKETS = [
  "/run/docker.sock",
  "/var/run/docker.sock",
  `/run/user/${process.getuid?.() ?? ""}`,
  "/run/systemd/private",
  "/run/dbus",
  "/run/containerd",
  "/run/podman",
];

export interface SandboxOptions {
  config: Config;
  dataDir: string;
  /** Where violations and an unconfined run are audited. */
  audit?: (input: AuditInput) => void;
  /** Told (once per process) that bubblewrap cannot run; default stderr. */
  onWarning?: (message: string) => void;
  /** The environment subprocesses start from, before scrubbing (default this process's). */
  env?: NodeJS.ProcessEnv;
}

/** One subprocess to start confined: a command line of a tool, or a plugin's server. */
export interface SpawnRequest {
  tool: string;
  argv: string[];
  /** Writable in workspace-write mode; the subprocess starts there unless `cwd` says otherwise. */
  workspace: string;
  cwd?: string;
  /** Folders visible read-only even inside a hidden one (a plugin's own, in the config dir). */
  readable?: string[];
  /** Replaces parts of the tool's policy (a plugin's declared capabilities). */
  policy?: Partial<SandboxPolicy>;
  /** For the audit record of an unconfined start. */
  sessionId?: string;
}

/** How to start it: the argv (bwrap's or the limited shell's), the scrubbed environment, what applied. */
export interface SpawnPlan {
  argv: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  policy: SandboxPolicy;
  confined: boolean;
}

let warned = false;

/** The scrubbed environment a tool's subprocesses start from: no tokens, keys or credentials. */
export function toolEnvironment(
  config: Config,
  tool: string,
  env: NodeJS.ProcessEnv = process.env,
  allow: readonly string[] = policyFor(config.sandbox, tool).env_allow,
): NodeJS.ProcessEnv {
  return scrubEnv(env, allow, providerKeyNames(config));
}

/**
 * The sandbox runner: starts tools' subprocesses under bubblewrap (the workspace and a private /tmp
 * writable, the rest read-only, secrets' directories hidden, no network unless allowed) with memory and
 * CPU limits and a scrubbed environment. Where bubblewrap cannot run, it says so once, audits an
 * `unsafe_fallback` and still applies the limits and the scrubbed environment.
 */
export class Sandbox implements CommandRunner {
  private fallbackAudited = false;

  constructor(private readonly options: SandboxOptions) {}

  /** How `request` is started; plugins spawn the plan themselves, commands go through `run`. */
  async plan(request: SpawnRequest): Promise<SpawnPlan> {
    const policy = { ...policyFor(this.options.config.sandbox, request.tool), ...request.policy };
    const env = toolEnvironment(this.options.config, request.tool, this.options.env, policy.env_allow);
    const workspace = realpathSync(request.workspace);
    const cwd = request.cwd ? realpathSync(request.cwd) : workspace;
    const limited = withLimits(policy, request.argv);
    if (policy.mode === "danger-full-access") return { argv: limited, env, cwd, policy, confined: false };
    const confinement = await detectBubblewrap();
    if (confinement.kind === "fallback") {
      this.reportFallback(confinement.reason, request);
      return { argv: limited, env, cwd, policy, confined: false };
    }
    const hidden = this.hiddenPaths(env);
    const readable = (request.readable ?? []).map((path) => realpathSync(path));
    return {
      argv: ["bwrap", ...bubblewrapArgs(policy, workspace, cwd, hidden, readable), "--", ...limited],
      env,
      cwd,
      policy,
      confined: true,
    };
  }

  async run(request: CommandRequest): Promise<CommandOutcome> {
    const plan = await this.plan({
      tool: request.tool,
      argv: ["bash", "-c", request.command],
      workspace: request.workspace,
      sessionId: request.sessionId,
    });
    const timeoutMs = Math.min(request.timeoutMs, plan.policy.timeout_secs * 1000);
    const signs = new ViolationSigns(plan.confined);
    const end = await runProcessTree(plan.argv, {
      cwd: plan.cwd,
      env: plan.env,
      timeoutMs,
      signal: request.signal,
      onOutput: (chunk) => {
        signs.push(chunk);
        request.onOutput(chunk);
      },
    });
    const violation = end.aborted ? undefined : signs.classify(plan.policy, { ...end, timeoutMs });
    if (violation) this.auditViolation(violation, request, plan);
    return { ...end, timeoutMs, violation };
  }

  private auditViolation(violation: SandboxViolation, request: CommandRequest, plan: SpawnPlan): void {
    this.options.audit?.({
      actor: "agent",
      action: "sandbox.violation",
      resource: `tool/${request.tool}`,
      status: violation.kind,
      session_id: request.sessionId,
      details: {
        call_id: request.callId,
        command: summarizeArgs(request.command),
        message: violation.message,
        mode: plan.policy.mode,
        confined: plan.confined,
      },
    });
  }

  private reportFallback(reason: string, request: SpawnRequest): void {
    const message = `sandbox: ${reason}; tool commands run unconfined, with only memory/CPU limits and a scrubbed environment`;
    if (!warned) (this.options.onWarning ?? ((m) => process.stderr.write(`codetether: warning: ${m}\n`)))(message);
    warned = true;
    if (this.fallbackAudited) return;
    this.fallbackAudited = true;
    this.options.audit?.({
      actor: "agent",
      action: "sandbox.unsafe_fallback",
      resource: `tool/${request.tool}`,
      status: "unconfined",
      session_id: request.sessionId,
      details: { reason },
    });
  }

  /** The data dir, the config dir and file, credential folders of the home directory, and agents' sockets. */
  private hiddenPaths(env: NodeJS.ProcessEnv): string[] {
    const paths = [
      this.options.dataDir,
      configDir(env),
      configPath(undefined, env),
      ...HOME_SECRETS.map((p) => join(homedir(), p)),
      ...SOCKETS,
    ];
    return paths.flatMap((path) => {
      try {
        return [realpathSync(path)];
      } catch {
        return []; // nothing there to hide
      }
    });
  }
}

/** What confines tools' commands with this `[sandbox]`, for `config --show`. */
export async function describeSandbox(config: SandboxConfig): Promise<string> {
  if (config.mode === "danger-full-access") return "off (danger-full-access)";
  const confinement = await detectBubblewrap();
  return confinement.kind === "bubblewrap" ? "bubblewrap" : `fallback: ${confinement.reason}`;
}

/** Variables the config names as holding provider keys (`api_key_env`), whatever they are called. */
function providerKeyNames(config: Config): string[] {
  return Object.values(config.providers).flatMap((provider) => (provider.api_key_env ? [provider.api_key_env] : []));
}
