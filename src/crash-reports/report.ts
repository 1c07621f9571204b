import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * What a crash report holds — and all it holds: no error message (it may quote a prompt, a file or a
 * secret), no source, no environment, no arguments; stack frames with code locations only.
 */
export interface CrashReport {
  id: string;
  created_at: string;
  version: string;
  node: string;
  platform: string;
  arch: string;
  /** The command path that ran, e.g. "run" or "crash send" (never its arguments). */
  command: string;
  error: { name: string; code?: string };
  /** "at fn (dist/chunks/x.js:1:2)": paths relative to the install, others reduced to "<outside the install>". */
  stack: string[];
  /** Set when the frames could not be told apart from the message, which then is not reported at all. */
  stack_omitted?: string;
  /** When `crash send` delivered it. */
  sent_at?: string;
}

/** The installation: the nearest directory above this module with a package.json (it holds dist/ and src/). */
function installRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]{0,63}$/;
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;
/** A frame's function part: identifiers, dots, `new`, `async`, `<anonymous>`, `[as x]` — no free text. */
const FUNCTION_NAME = /^(?:(?:new|async) )?[\w$.<>[\] ]{1,120}$/;
const FRAME = /^at (?:(.+?) \()?(.+?)(?::(\d+):(\d+))?\)?$/;

function newCrashId(now: Date): string {
  return `crash-${now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z")}-${randomBytes(3).toString("hex")}`;
}

export function buildCrashReport(
  thrown: unknown,
  context: { version: string; command: string; now?: Date; installRoot?: string },
): CrashReport {
  const now = context.now ?? new Date();
  const error = thrown instanceof Error ? thrown : undefined;
  const code = (error as { code?: unknown } | undefined)?.code;
  const frames = error ? stackFrames(error, context.installRoot ?? installRoot()) : [];
  return {
    id: newCrashId(now),
    created_at: now.toISOString(),
    version: context.version,
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    command: context.command,
    error: {
      name: error ? (IDENTIFIER.test(error.name) ? error.name : "Error") : `thrown ${typeof thrown}`,
      ...(typeof code === "string" && ERROR_CODE.test(code) && { code }),
    },
    stack: frames ?? [],
    ...(!frames && { stack_omitted: "the stack could not be told apart from the error message" }),
  };
}

/**
 * The frames after the message. V8's stack is "<name>: <message>\n    at …": the message is cut off by
 * finding it, not by guessing where frames start, since a message may itself contain "\n    at" lines.
 * Undefined when the message cannot be found in the stack (e.g. it was changed after the error was made).
 */
function stackFrames(error: Error, installRoot: string): string[] | undefined {
  const stack = typeof error.stack === "string" ? error.stack : "";
  const message = String(error.message ?? "");
  const at = message ? stack.indexOf(message) : 0;
  if (at < 0) return undefined;
  const rest = message ? stack.slice(at + message.length) : stack.slice(stack.indexOf("\n") + 1 || stack.length);
  const lines = rest.split("\n").filter((line) => line.trim());
  const frames: string[] = [];
  for (const line of lines) {
    const frame = FRAME.exec(line.trim());
    if (!frame) return undefined;
    const [, fn, location, lineNo, column] = frame;
    const where = lineNo ? `${place(location!, installRoot)}:${lineNo}:${column}` : place(location!, installRoot);
    const name = fn && (FUNCTION_NAME.test(fn) ? fn : "<function>");
    frames.push(name ? `at ${name} (${where})` : `at ${where}`);
  }
  return frames;
}

/** A frame's location: relative inside the install, node's own modules as they are, nothing else. */
function place(location: string, installRoot: string): string {
  if (/^node:[\w/.-]+$/.test(location) || location === "<anonymous>" || /^index \d+$/.test(location)) return location;
  const path = location.startsWith("file://") ? safeFilePath(location) : location;
  if (path && path.startsWith(installRoot + sep)) {
    const inside = relative(installRoot, path).split(sep).join("/");
    if (/^[\w./@+-]+$/.test(inside)) return inside;
  }
  return "<outside the install>";
}

function safeFilePath(url: string): string | undefined {
  try {
    return fileURLToPath(url);
  } catch {
    return undefined;
  }
}
