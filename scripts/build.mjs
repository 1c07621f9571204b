// Bundles the CLI: one entry file plus lazily loaded chunks (code splitting keeps `--help` fast).
// The pure-JS packages on the hot path (commander, the AI SDK, zod, TOML) are bundled and minified:
// one parsed file loads far faster than hundreds of node_modules files. Everything else — native
// addons, servers, UI — stays external and is loaded from node_modules only by the command that needs it.
import { build } from "esbuild";
import { readFile, rename, rm } from "node:fs/promises";

const BUNDLED = new Set(["commander", "ai", "zod", "smol-toml", "@ai-sdk/openai", "@ai-sdk/anthropic", "@ai-sdk/google", "@ai-sdk/openai-compatible"]);
const pkg = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8"));
const external = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((name) => !BUNDLED.has(name));

// Build beside dist/ and swap it in, so a CLI started by a concurrent test never sees a half-built tree.
const dist = new URL("../dist", import.meta.url);
const staging = new URL(`../.dist-${process.pid}`, import.meta.url);
await build({
  entryPoints: { cli: "src/cli/main.ts" },
  outdir: staging.pathname,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external: external.flatMap((name) => [name, `${name}/*`]),
  loader: { ".txt": "text", ".md": "text" },
  jsx: "automatic",
  minify: true,
  sourcemap: "linked",
  chunkNames: "chunks/[name]-[hash]",
  // Bundled CommonJS dependencies may call require(); give ESM output a real one.
  banner: { js: 'import { createRequire as __ctCreateRequire } from "node:module"; const require = __ctCreateRequire(import.meta.url);' },
  logLevel: "warning",
});
await rm(dist, { recursive: true, force: true });
await rename(staging, dist);
