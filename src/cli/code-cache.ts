import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
  type Stats,
} from "node:fs";
import { createRequire } from "node:module";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import type * as Vm from "node:vm";
import { cacheDir } from "../config/paths.ts";
import { UserError } from "../contracts/errors.ts";
import { baselineWasmOnly } from "../util/baseline-wasm.ts";
import { compileFlags, flagsForCodeCache, startLean } from "../util/lean-start.ts";

/**
 * Loads a CommonJS bundle of dist/ (e.g. dist/run.cjs, its code wrapped in the module function by the
 * build) with V8's code cache, so a command's code is compiled once per build instead of on every start
 * (Node 20 has no compile cache for modules: parsing and compiling the AI SDK, zod and the agent is a
 * third of a one-shot run).
 *
 * The cache lives under `<cache dir>/code-cache/`, keyed by the bundle's name, size and ctime, the Node
 * version and the node flags. Not by mtime: npm installs every file of a package with the same one, and
 * V8 checks only the source's length, so a same-sized bundle of another version would run the cached
 * code; the ctime changes with every write and nobody can set it. It is written at exit, after a
 * successful run, so it holds the functions the command really ran; V8 checks it again on load and a
 * rejected one is rewritten. It is only read from a directory and file of this user that nobody else can
 * write (it is code). Without a usable cache the bundle still loads, just compiled as usual. The bundle
 * must not use import(): V8 drops a script's dynamic-import callback when the script comes from the
 * cache (the build turns it into require()).
 */
export function loadBundle<T>(file: string): T {
  // V8 rejects a cache made under other flags: set the bundle's flags before compiling, not during its run.
  baselineWasmOnly();
  startLean();
  return loadCached(file);
}

/**
 * A command's implementation: in the built CLI, dist/<name>.cjs through loadBundle (the bundle lies beside
 * cli.cjs, whose module this is); from source, where there is no such file, `fromSource` (the plain import).
 */
export async function loadCommand<T>(name: string, fromSource: () => Promise<T>): Promise<T> {
  const bundle = fileURLToPath(new URL(`${name}.cjs`, import.meta.url));
  return existsSync(bundle) ? loadBundle<T>(bundle) : fromSource();
}

/**
 * Loads a bundle as loadBundle does, under the flags already set: also a part of a bundle built apart and
 * loaded when needed (dist/providers/*.cjs), which takes the modules named in `shared` from the bundle
 * that loads it instead of from node_modules.
 */
export function loadCached<T>(file: string, shared: Record<string, unknown> = {}): T {
  const nodeRequire = createRequire(file);
  // Loaded here, not at the top: this module is part of the command table every command (and --help) loads.
  const vm = nodeRequire("node:vm") as typeof Vm;
  const stat = statOfBundle(file);
  const flags = fnv1a([...process.execArgv, process.env.NODE_OPTIONS ?? ""].join(" "));
  const cacheFile = join(
    cacheDir(),
    "code-cache",
    `${basename(file, ".cjs")}-${stat.size}-${Math.trunc(stat.ctimeMs)}-${process.version}-${process.arch}-${flags}.bin`,
  );
  const script = compile(vm, file, cacheFile);

  const require = (id: string): unknown => (Object.hasOwn(shared, id) ? shared[id] : nodeRequire(id));
  const module = { exports: {} as T };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, require, module, file, join(file, ".."));
  return module.exports;
}

/** A bundle of the package is missing only when the install is broken: said in one line, with the remedy. */
function statOfBundle(file: string): Stats {
  try {
    return statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    throw new UserError(`${file} is missing: this codetether install is incomplete (reinstall it)`);
  }
}

/**
 * The bundle compiled with its cache, if any (the build wrapped the module's code in its function
 * already, see scripts/build.mjs). Apart from the module's run, so that the cache's buffer (~1.1 MB
 * outside the heap) is garbage while the module runs and goes with the first scavenge, instead of
 * living on until a full collection (a one-shot run: RSS at the first request −1.4 MiB, peak −0.2 to −0.3).
 */
function compile(vm: typeof Vm, file: string, cacheFile: string): Vm.Script {
  const cachedData = readIfOwn(cacheFile);
  const flags = compileFlags();
  const script = new vm.Script(readFileSync(file, "utf8"), { filename: file, cachedData });
  if (!cachedData || script.cachedDataRejected)
    process.once("exit", (code) => code === 0 && writeCache(cacheFile, script, flags));
  return script;
}

/**
 * The file, if it and its directory (not symlinks) belong to this user and only this user can write
 * them; the checks are made on what is read (an fd opened without following links).
 */
function readIfOwn(file: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    const dir = lstatSync(join(file, ".."));
    if (!dir.isDirectory() || !onlyMine(dir)) return undefined;
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    const stat = fstatSync(fd);
    return stat.isFile() && onlyMine(stat) ? readFileSync(fd) : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function onlyMine(stat: Stats): boolean {
  const uid = process.getuid?.();
  return (uid === undefined || stat.uid === uid) && (stat.mode & 0o022) === 0;
}

/** A short hash for the cache file name (32-bit FNV-1a, hex). */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, "0");
}

/** Best effort: a cache that cannot be written only costs the next start its compile time. */
function writeCache(file: string, script: Vm.Script, flags: string): void {
  try {
    mkdirSync(join(file, ".."), { recursive: true, mode: 0o700 }); // what readIfOwn expects
    const partial = `${file}.${process.pid}.tmp`;
    flagsForCodeCache(flags);
    writeFileSync(partial, script.createCachedData(), { mode: 0o600 });
    renameSync(partial, file);
  } catch {
    // read-only or full cache dir: run without a cache
  }
}
