// Bundles the CLI: one entry file plus lazily loaded chunks (code splitting keeps `--help` fast).
// The pure-JS packages on the hot path (commander, the AI SDK, zod, TOML, globbing) are bundled and minified:
// one parsed file loads far faster than hundreds of node_modules files. Everything else — native
// addons, servers, UI — stays external and is loaded from node_modules only by the command that needs it.
// `run` is also built as one CommonJS file, dist/run.cjs, which the CLI loads through V8's code cache
// (src/cli/code-cache.ts): compiling it is most of a one-shot run's start-up otherwise.
import { build } from "esbuild";
import { readFile, rename, rm } from "node:fs/promises";

const BUNDLED = new Set(["commander", "ai", "zod", "smol-toml", "@ai-sdk/openai", "@ai-sdk/anthropic", "@ai-sdk/google", "@ai-sdk/openai-compatible", "picomatch", "tinyglobby", "ignore"]);
const pkg = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8"));
const external = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((name) => !BUNDLED.has(name));

/** zod re-exports error messages in ~40 languages (over half its size); only English is ever used. */
const englishOnlyZod = {
  name: "english-only-zod",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[/\\]zod[/\\]v4[/\\](classic|core)$/.test(args.resolveDir) ? { path: "zod-locales", namespace: "english-only-zod" } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "english-only-zod" }, () => ({
      contents: 'export { default as en } from "zod/v4/locales/en.js";',
      resolveDir: new URL("..", import.meta.url).pathname,
    }));
  },
};

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  external: external.flatMap((name) => [name, `${name}/*`]),
  loader: { ".txt": "text", ".md": "text" },
  jsx: "automatic",
  minify: true,
  sourcemap: "linked",
  plugins: [englishOnlyZod],
  logLevel: "warning",
};

// Build beside dist/ and swap it in, so a CLI started by a concurrent test never sees a half-built tree.
const dist = new URL("../dist", import.meta.url);
const staging = new URL(`../.dist-${process.pid}`, import.meta.url);
await Promise.all([
  build({
    ...common,
    entryPoints: { cli: "src/cli/main.ts" },
    outdir: staging.pathname,
    splitting: true,
    format: "esm",
    chunkNames: "chunks/[name]-[hash]",
    // Bundled CommonJS dependencies may call require(); give ESM output a real one.
    banner: { js: 'import { createRequire as __ctCreateRequire } from "node:module"; const require = __ctCreateRequire(import.meta.url);' },
  }),
  build({
    ...common,
    entryPoints: { run: "src/cli/run/run-action.ts" },
    outdir: staging.pathname,
    outExtension: { ".js": ".cjs" },
    format: "cjs",
    define: { "import.meta.url": "__ctImportMetaUrl" },
    banner: { js: 'var __ctImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  }),
]);
await rm(dist, { recursive: true, force: true });
await rename(staging, dist);
