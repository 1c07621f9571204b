// Where a process's CPU went, from a V8 .cpuprofile (e.g. serve's, with
// BENCH_SERVE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" node --import tsx bench/serve.ts): self time
// by package (node_modules/<pkg>) or source folder (src/<dir>), the bundles mapped back through their source
// maps, with node's own internals and native calls charged to the nearest caller that is neither; then the
// top functions by self time. Idle time is left out. PER=<n> divides by n (e.g. tasks served: ms per task).
// CALLERS=<text>: also the call chains (5 frames up) into the functions whose name or source contains the text.
// INCLUSIVE=<text>: also the functions whose frame contains the text by inclusive time (what they call counted in).
// CALLEES=<text>: also where the time of the frames containing the text went, by the function each called.
// Run: node --import tsx bench/profile-summary.ts <file.cpuprofile>
import { existsSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { fileURLToPath } from "node:url";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const file = process.argv[2];
if (!file) throw new Error("usage: node --import tsx bench/profile-summary.ts <file.cpuprofile>");
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const per = Number(process.env.PER ?? 1);

const maps = new Map<string, SourceMap | undefined>();
function sourceMapOf(url: string): SourceMap | undefined {
  if (!maps.has(url)) {
    const path = url.startsWith("file:") ? fileURLToPath(url) : url;
    maps.set(
      url,
      existsSync(`${path}.map`) ? new SourceMap(JSON.parse(readFileSync(`${path}.map`, "utf8"))) : undefined,
    );
  }
  return maps.get(url);
}

/** The original source of a frame, and the package or src/ folder it belongs to ("" for node and native). */
function origin(node: ProfileNode): { source: string; owner: string } {
  const { url, lineNumber, columnNumber, functionName } = node.callFrame;
  if (!url) return { source: `(${functionName || "native"})`, owner: "" };
  const entry = sourceMapOf(url)?.findEntry(lineNumber, columnNumber);
  const source = entry && "originalSource" in entry ? entry.originalSource : url;
  const inPackage = source.lastIndexOf("node_modules/");
  if (inPackage >= 0) {
    const [scope, name] = source.slice(inPackage + "node_modules/".length).split("/");
    return { source: source.slice(inPackage + 13), owner: scope!.startsWith("@") ? `${scope}/${name}` : scope! };
  }
  if (source.startsWith("node:")) return { source, owner: "" };
  const inSrc = source.indexOf("/src/");
  if (inSrc >= 0) {
    const local = source.slice(inSrc + 1);
    return { source: local, owner: local.split("/").slice(0, -1).join("/") };
  }
  return { source, owner: source };
}

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const selfUs = new Map<number, number>();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i]!;
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
}

const owners = new Map<string, number>();
const functions = new Map<string, number>();
let total = 0;
const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
for (const [id, us] of selfUs) {
  const node = byId.get(id)!;
  if (node.callFrame.functionName === "(idle)") continue;
  total += us;
  const { source, owner } = origin(node);
  add(functions, `${node.callFrame.functionName || "(anonymous)"} ${source}`, us);
  let charged = owner;
  for (let up = parent.get(id); !charged && up !== undefined; up = parent.get(up))
    charged = origin(byId.get(up)!).owner;
  add(owners, charged || source, us);
}

const ms = (us: number) => (us / 1000 / per).toFixed(3).padStart(9);
const share = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
const top = (map: Map<string, number>, count: number) => [...map].sort((a, b) => b[1] - a[1]).slice(0, count);
console.log(`${ms(total)} ms sampled${per === 1 ? "" : `, divided by ${per}`} (idle left out)`);
console.log("-- by package / source folder (node internals charged to their caller)");
for (const [owner, us] of top(owners, 40)) console.log(`${ms(us)} ${share(us)} ${owner}`);
console.log("-- by function (self)");
for (const [name, us] of top(functions, Number(process.env.TOP ?? 40))) console.log(`${ms(us)} ${share(us)} ${name}`);

/** A frame as "name source:line" in the original sources. */
function frameName(node: ProfileNode): string {
  const { url, lineNumber, columnNumber, functionName } = node.callFrame;
  const entry = url ? sourceMapOf(url)?.findEntry(lineNumber, columnNumber) : undefined;
  const line = entry && "originalLine" in entry ? Number(entry.originalLine) + 1 : lineNumber + 1;
  return `${functionName || "(anonymous)"} ${origin(node).source}:${line}`;
}

const callersOf = process.env.CALLERS;
if (callersOf) {
  const chains = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    if (!`${node.callFrame.functionName} ${origin(node).source}`.includes(callersOf)) continue;
    const frames: string[] = [];
    for (let up: number | undefined = id; up !== undefined && frames.length < 6; up = parent.get(up))
      frames.push(frameName(byId.get(up)!));
    add(chains, frames.join("\n      <- "), us);
  }
  console.log(`-- call chains into "${callersOf}"`);
  for (const [chain, us] of top(chains, 12)) console.log(`${ms(us)} ${share(us)} ${chain}`);
}

const inclusiveOf = process.env.INCLUSIVE;
if (inclusiveOf !== undefined) {
  // Each function once per sample, however often it recurs on the stack.
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    if (byId.get(id)!.callFrame.functionName === "(idle)") continue;
    const seen = new Set<string>();
    for (let up: number | undefined = id; up !== undefined; up = parent.get(up)) {
      const name = frameName(byId.get(up)!);
      if (!seen.has(name) && name.includes(inclusiveOf)) add(inclusive, name, us);
      seen.add(name);
    }
  }
  console.log(
    `-- by function, inclusive (itself and what it calls)${inclusiveOf ? `, frames containing "${inclusiveOf}"` : ""}`,
  );
  for (const [name, us] of top(inclusive, Number(process.env.TOP ?? 40))) console.log(`${ms(us)} ${share(us)} ${name}`);
}

const calleesOf = process.env.CALLEES;
if (calleesOf) {
  // Each sample is charged to the frame just below the nearest frame that matches: where that function's time went.
  const callees = new Map<string, number>();
  for (const [id, us] of selfUs) {
    let below: number | undefined;
    for (let up: number | undefined = id; up !== undefined; below = up, up = parent.get(up)) {
      if (!frameName(byId.get(up)!).includes(calleesOf)) continue;
      add(callees, below === undefined ? "(itself)" : frameName(byId.get(below)!), us);
      break;
    }
  }
  console.log(`-- what the frames containing "${calleesOf}" called, inclusive`);
  for (const [name, us] of top(callees, Number(process.env.TOP ?? 40))) console.log(`${ms(us)} ${share(us)} ${name}`);
}
