import { execFile } from "node:child_process";
import { statSync } from "node:fs";
import { isAbsolute, relative } from "node:path";
import type { SandboxPolicy } from "./policy.ts";

/** What confines commands on this machine: bubblewrap, or rlimits and a scrubbed environment only. */
export type Confinement = { kind: "bubblewrap" } | { kind: "fallback"; reason: string };

/** Every sandbox's filesystem: the host's read-only, fresh /dev and /proc, an empty private /tmp. */
const BASE = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"];
/**
 * Its own pid namespace, ended when bwrap dies, so a killed command takes every process it started with
 * it; a new session, so it cannot push input into the terminal it came from.
 */
const LIFETIME = ["--unshare-pid", "--die-with-parent", "--new-session"];
/**
 * Run by root, bwrap hands the command root's capabilities: it could unmount what hides the data dir and
 * remount / writable. Dropped, root inside keeps only what uid 0's file permissions give (the sockets of
 * services that would run something for root are hidden: runner.ts).
 */
const PRIVILEGES = process.getuid?.() === 0 ? ["--cap-drop", "ALL"] : [];

let probe: Promise<Confinement> | undefined;

/** Whether bwrap runs here (installed, user namespaces allowed, Linux): tried once per process. */
export function detectBubblewrap(): Promise<Confinement> {
  probe ??= tryBubblewrap();
  return probe;
}

function tryBubblewrap(): Promise<Confinement> {
  if (process.platform !== "linux")
    return Promise.resolve({ kind: "fallback", reason: `not Linux (${process.platform})` });
  return new Promise((resolve) => {
    execFile(
      "bwrap",
      [...BASE, ...LIFETIME, ...PRIVILEGES, "--unshare-net", "--", "true"],
      { timeout: 10_000 },
      (error, _out, stderr) => {
        if (!error) return resolve({ kind: "bubblewrap" });
        const reason =
          (error as NodeJS.ErrnoException).code === "ENOENT"
            ? "bwrap is not installed (Debian: apt-get install bubblewrap)"
            : `bwrap cannot run: ${stderr.trim().split("\n")[0] || error.message}`;
        resolve({ kind: "fallback", reason });
      },
    );
  });
}

/**
 * bwrap's arguments for a command in `workspace`: the filesystem read-only but the workspace (unless the
 * mode is read-only) and a private /tmp; `hidden` paths replaced by an empty read-only directory (or an
 * empty file), except `readable` ones inside them, mounted read-only (a plugin's folder in the config
 * dir); no network unless the policy allows it.
 */
export function bubblewrapArgs(
  policy: SandboxPolicy,
  workspace: string,
  cwd: string,
  hidden: string[],
  readable: string[] = [],
): string[] {
  const args = [...BASE, ...LIFETIME, ...PRIVILEGES];
  if (policy.network === false) args.push("--unshare-net");
  args.push(policy.mode === "workspace-write" ? "--bind" : "--ro-bind", workspace, workspace);
  const emptied: string[] = [];
  for (const path of hidden) {
    // An ancestor of the workspace stays (hiding it would hide the workspace). Under /tmp too the path is
    // mounted read-only, so that a write there fails as "read-only" rather than "no such file".
    if (within(path, workspace)) continue;
    const kind = fileKind(path);
    if (kind === "dir") emptied.push(path);
    else if (kind === "file") args.push("--ro-bind", "/dev/null", path);
  }
  for (const path of emptied) args.push("--tmpfs", path);
  // Between emptying and sealing: bwrap makes the mount points while the empty directories are writable.
  for (const path of readable) args.push("--ro-bind", path, path);
  for (const path of emptied) args.push("--remount-ro", path);
  args.push("--setenv", "TMPDIR", "/tmp", "--chdir", cwd);
  return args;
}

/** True when `path` is `dir` or inside it. */
function within(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

function fileKind(path: string): "dir" | "file" | undefined {
  try {
    return statSync(path).isDirectory() ? "dir" : "file";
  } catch {
    return undefined; // nothing there to hide
  }
}
