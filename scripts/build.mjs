// Bundles the CLI into dist/:
// - cli.cjs: the command table (commander and each command's options and help). CommonJS, so that
//   `--help` starts without Node's ESM loader.
// - actions/*.js: what each command does, as ESM with shared chunks; cli.cjs loads a command's action
//   with import() only when that command runs (the TUI, with ink and React bundled in, lives here).
// - scripted-model.js: the scripted model server as its own process (`npm run demo`; see src/scripted-model).
// - run.cjs: `run` again as one CommonJS file, wrapped in its module function, loaded through V8's code
//   cache (src/cli/code-cache.ts): compiling it is most of a one-shot run's start-up otherwise.
// - serve.cjs: `serve` the same way (start → listening ~60 ms sooner than from the ESM actions and chunks).
// - providers/*.cjs: each model provider (and the AI SDK's gateway) apart, which run.cjs loads when used.
// The pure-JS packages on the hot paths (commander, the AI SDK, zod, TOML, globbing, ink and React)
// are bundled and minified: one parsed file loads far faster than hundreds of node_modules files.
// Everything else — native addons, servers, protocol SDKs — stays external and is loaded from
// node_modules only when needed.
import { build } from "esbuild";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { basename, dirname, join } from "node:path";

const BUNDLED = new Set([
  "commander",
  "ai",
  "zod",
  "smol-toml",
  "@ai-sdk/openai",
  "@ai-sdk/anthropic",
  "@ai-sdk/google",
  "@ai-sdk/openai-compatible",
  "@ai-sdk/provider",
  "@ai-sdk/provider-utils",
  "picomatch",
  "tinyglobby",
  "ignore",
  "ink",
  "react",
  // Its JavaScript only; the native addon is named directly (src/storage/sqlite.ts).
  "better-sqlite3",
  // The AI SDK's stream parser: an ES module, which Node 20 would require() through its ESM loader.
  "eventsource-parser",
]);
const pkg = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8"));
// react-devtools-core: ink imports it only under DEV=true and it is not installed. bindings: better-sqlite3
// looks its addon up with it only when not given one, which src/storage/sqlite.ts always does.
const external = [
  ...Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((name) => !BUNDLED.has(name)),
  "react-devtools-core",
  "bindings",
];

/** zod re-exports error messages in ~40 languages (over half its size); only English is ever used. */
const englishOnlyZod = {
  name: "english-only-zod",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[/\\]zod[/\\]v4[/\\](classic|core)$/.test(args.resolveDir)
        ? { path: "zod-locales", namespace: "english-only-zod" }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "english-only-zod" }, () => ({
      contents: 'export { default as en } from "zod/v4/locales/en.js";',
      resolveDir: new URL("..", import.meta.url).pathname,
    }));
  },
};

/**
 * The AI SDK's packages each depend on their own copy of @ai-sdk/provider-utils and @ai-sdk/provider
 * (patch releases apart), so a bundle held six of each and a one-shot run evaluated three (`ai`'s, its
 * gateway's and the provider's). All of them are served by the newest copy; copies of another major
 * version would stop the build, since their APIs need not match.
 */
const oneAiSdkCore = {
  name: "one-ai-sdk-core",
  setup(build) {
    const modules = new URL("../node_modules/", import.meta.url).pathname;
    const owners = ["ai", ...readdirSync(join(modules, "@ai-sdk")).map((name) => `@ai-sdk/${name}`)];
    /** The directory whose node_modules holds the newest copy of `name` (a package's own, or the top level). */
    const newestOwner = (name) => {
      const copies = [...owners.map((owner) => join(modules, owner)), join(modules, "..")]
        .filter((owner) => existsSync(join(owner, "node_modules", name, "package.json")))
        .map((owner) => {
          const { version } = JSON.parse(readFileSync(join(owner, "node_modules", name, "package.json"), "utf8"));
          return { owner, version: version.split(".").map(Number) };
        })
        .sort((a, b) => b.version[0] - a.version[0] || b.version[1] - a.version[1] || b.version[2] - a.version[2]);
      if (copies.some((copy) => copy.version[0] !== copies[0].version[0]))
        throw new Error(`AI SDK packages depend on different major versions of ${name}: keep their copies apart`);
      return copies[0].owner;
    };
    const owner = {
      "@ai-sdk/provider-utils": newestOwner("@ai-sdk/provider-utils"),
      "@ai-sdk/provider": newestOwner("@ai-sdk/provider"),
    };
    build.onResolve({ filter: /^@ai-sdk\/provider(-utils)?$/ }, (args) =>
      args.pluginData === oneAiSdkCore
        ? undefined
        : build.resolve(args.path, { kind: args.kind, resolveDir: owner[args.path], pluginData: oneAiSdkCore }),
    );
  },
};

/**
 * @ai-sdk/provider-utils imports zod 3's type-name enum only (to turn zod 3 schemas into JSON schema),
 * but bundling it brought all of zod 3 (~58 kB) along: it gets the enum alone, read from zod 3 here.
 */
const zod3EnumOnly = {
  name: "zod3-enum-only",
  setup(build) {
    build.onResolve({ filter: /^zod\/v3$/ }, (args) =>
      /[/\\]@ai-sdk[/\\]provider-utils[/\\]/.test(args.importer)
        ? { path: "zod3-enum", namespace: "zod3-enum-only" }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "zod3-enum-only" }, async () => ({
      contents: `export const ZodFirstPartyTypeKind = ${JSON.stringify((await import("zod/v3")).ZodFirstPartyTypeKind)};`,
      loader: "js",
    }));
  },
};

/** In cli.cjs, a command's `import("../x/some-action.ts")` becomes `import("./actions/some-action.js")`; the actions are collected for the ESM build. */
const actions = new Map();
const actionsApart = {
  name: "actions-apart",
  setup(build) {
    build.onResolve({ filter: /\.tsx?$/ }, async (args) => {
      // A command's action, or the crash recorder on the fatal path (src/cli/fatal.ts).
      if (args.kind !== "dynamic-import" || !/[/\\]src[/\\]cli[/\\](commands[/\\]|fatal\.ts$)/.test(args.importer))
        return undefined;
      const { path } = await build.resolve(args.path, { kind: "import-statement", resolveDir: args.resolveDir });
      const name = basename(path).replace(/\.tsx?$/, "");
      actions.set(`actions/${name}`, path);
      return { path: `./actions/${name}.js`, external: true };
    });
  },
};

/**
 * Each provider package (~25–140 kB) is built apart into dist/providers/<name>.cjs, and run.cjs loads
 * the one a run uses when it is chosen (through the code cache, src/cli/code-cache.ts), so that a run
 * holds only that provider's code. So is the AI SDK's gateway, which run.cjs replaces with a stand-in
 * that loads it on first use (src/provider/gateway-on-demand.ts). The parts built apart
 * take the modules they share with the AI SDK from run.cjs, so that they use its single copy of each.
 */
const PROVIDERS = ["openai", "anthropic", "google", "openai-compatible"];
const APART = [...PROVIDERS, "gateway"];
const SHARED_WITH_PROVIDERS = ["@ai-sdk/provider-utils", "@ai-sdk/provider", "zod/v4", "zod"];
const providersApart = {
  name: "providers-apart",
  setup(build) {
    const loader = fileURLToPath(new URL("../src/cli/code-cache.ts", import.meta.url));
    const load = (name) =>
      `require(${JSON.stringify(loader)}).loadCached(require("node:path").join(__dirname, "providers", ${JSON.stringify(`${name}.cjs`)}), require("shared-with-providers").shared)`;
    build.onResolve({ filter: /^@ai-sdk\/[a-z-]+$/ }, (args) => {
      const name = args.path.slice("@ai-sdk/".length);
      if (args.kind === "dynamic-import" && PROVIDERS.includes(name))
        return { path: name, namespace: "providers-apart" };
      if (name === "gateway") return { path: "gateway", namespace: "providers-apart" };
      return undefined;
    });
    // The modules shared are imported (not required) by an ES module, so that they resolve as the AI SDK's own imports do.
    build.onResolve({ filter: /^shared-with-providers$/ }, () => ({ path: "shared", namespace: "providers-apart" }));
    const contents = {
      shared: [
        ...SHARED_WITH_PROVIDERS.map((id, i) => `import * as shared${i} from ${JSON.stringify(id)};`),
        `export const shared = { ${SHARED_WITH_PROVIDERS.map((id, i) => `${JSON.stringify(id)}: shared${i}`).join(", ")} };`,
      ].join("\n"),
      gateway: [
        `import { gatewayOnDemand } from ${JSON.stringify(fileURLToPath(new URL("../src/provider/gateway-on-demand.ts", import.meta.url)))};`,
        `export const { GatewayError, GatewayAuthenticationError, createGateway, gateway } = gatewayOnDemand(() => ${load("gateway")});`,
      ].join("\n"),
    };
    build.onLoad({ filter: /.*/, namespace: "providers-apart" }, (args) => ({
      contents: contents[args.path] ?? `module.exports = ${load(args.path)};`,
      resolveDir: fileURLToPath(new URL("..", import.meta.url)),
      loader: "js",
    }));
  },
};

/**
 * provider-utils (the AI SDK's request and response code), patched as it is bundled:
 * - it builds its headers with src/provider/light-headers.ts, not the global `Headers`, whose first use
 *   loads all of Node's fetch (provider requests go through src/provider/node-fetch.ts instead);
 * - it parses the providers' event streams with src/provider/json-event-stream.ts, one stream stage in
 *   place of its three per chunk (see there);
 * - it checks values against zod 4 schemas with src/provider/zod-safe-parse.ts: synchronously where it can (see there).
 */
const providerUtils = {
  name: "provider-utils",
  setup(build) {
    const source = (file) => JSON.stringify(fileURLToPath(new URL(`../src/provider/${file}`, import.meta.url)));
    let bundled; // the directory of the provider-utils copy the bundle carries
    // Ours parses with that copy's own eventsource-parser (a major version behind the one the sources import),
    // so the bundle holds one SSE parser.
    build.onResolve({ filter: /^eventsource-parser$/ }, (args) =>
      args.importer.endsWith("json-event-stream.ts") && args.pluginData !== providerUtils
        ? build.resolve(args.path, { kind: args.kind, resolveDir: bundled, pluginData: providerUtils })
        : undefined,
    );
    build.onLoad({ filter: /[/\\]@ai-sdk[/\\]provider-utils[/\\]dist[/\\]index\.mjs$/ }, async (args) => {
      bundled = dirname(args.path);
      const code = await readFile(args.path, "utf8");
      const parser = "function parseJsonEventStream({";
      const zodCheck = "const result = await z4.safeParseAsync(zodSchema2, value);";
      // A renamed function fails the build, not a run.
      for (const part of [parser, zodCheck])
        if (!code.includes(part)) throw new Error(`provider-utils has no "${part}" to replace`);
      return {
        contents: [
          `import { Headers } from ${source("light-headers.ts")};`,
          `import { parseJsonEventStream as leanParseJsonEventStream } from ${source("json-event-stream.ts")};`,
          `import { safeParseZod4 as leanSafeParseZod4 } from ${source("zod-safe-parse.ts")};`,
          // Theirs stays defined under another name (unused: the bundler drops it).
          code
            .replace(
              parser,
              "const parseJsonEventStream = leanParseJsonEventStream;\nfunction webParseJsonEventStream({",
            )
            .replace(zodCheck, "const result = await leanSafeParseZod4(z4, zodSchema2, value);"),
        ].join("\n"),
        loader: "js",
      };
    });
  },
};

/**
 * The AI SDK's main module, patched as it is bundled:
 * - it reads its clock from src/util/light-clock.ts, not from the global `performance` (see there);
 * - it also exports the prompt conversion the agent's model step uses, and `ai/internal` (a second build of
 *   that code, whose ~40 zod message schemas would be built again at every start) resolves to it.
 */
const aiSdkMain = {
  name: "ai-sdk-main",
  setup(build) {
    const shim = fileURLToPath(new URL("../src/util/light-clock.ts", import.meta.url));
    build.onResolve({ filter: /^ai\/internal$/ }, () => ({ path: "ai-internal", namespace: "ai-sdk-main" }));
    build.onLoad({ filter: /.*/, namespace: "ai-sdk-main" }, () => ({
      contents: 'export { convertToLanguageModelPrompt } from "ai";',
      resolveDir: fileURLToPath(new URL("..", import.meta.url)),
      loader: "js",
    }));
    build.onLoad({ filter: /[/\\]node_modules[/\\]ai[/\\]dist[/\\]index\.mjs$/ }, async (args) => ({
      contents: [
        `import { performance as __ctPerformance } from ${JSON.stringify(shim)};`,
        (await readFile(args.path, "utf8")).replaceAll("globalThis.performance", "__ctPerformance"),
        "export { convertToLanguageModelPrompt };",
      ].join("\n"),
      loader: "js",
    }));
  },
};

/**
 * yoga's generated loader (the TUI's layout engine) fetches its own base64 data URL when `fetch`
 * exists, loading all of Node's fetch for a string it can decode with atob: without `fetch` in that
 * module it decodes directly (~15 ms of the TUI's first frame).
 */
const yogaWithoutFetch = {
  name: "yoga-without-fetch",
  setup(build) {
    build.onLoad({ filter: /[/\\]yoga-layout[/\\]dist[/\\]binaries[/\\]yoga-wasm-base64-esm\.js$/ }, async (args) => ({
      contents: `const fetch = undefined;\n${await readFile(args.path, "utf8")}`,
      loader: "js",
    }));
  },
};

/**
 * `node:child_process` is loaded when a process is first started, not with the bundle: Node's module
 * and the ones it pulls in (dgram, sockets, pipes) cost ~2 MiB and ~3 ms, and a one-shot task that
 * only edits files never starts one. The sources and commander use only these functions of it.
 */
const lazyChildProcess = {
  name: "lazy-child-process",
  setup(build) {
    build.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.namespace === "lazy-child-process"
        ? { path: "node:child_process", external: true }
        : { path: "child_process", namespace: "lazy-child-process" },
    );
    build.onLoad({ filter: /.*/, namespace: "lazy-child-process" }, () => ({
      contents: ["spawn", "spawnSync", "execFile", "execFileSync", "exec", "execSync", "fork"]
        .map((name) => `export function ${name}(...args) { return require("node:child_process").${name}(...args); }`)
        .join("\n"),
      loader: "js",
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
  // CODETETHER_BUILD_NAMES=1 keeps identifiers, for readable CPU profiles.
  minifyWhitespace: true,
  minifySyntax: true,
  minifyIdentifiers: !process.env.CODETETHER_BUILD_NAMES,
  sourcemap: "linked",
  logLevel: "warning",
};
const commonJs = {
  ...common,
  format: "cjs",
  outExtension: { ".js": ".cjs" },
  define: { "import.meta.url": "__ctImportMetaUrl" },
  // "use strict" first: the sources are ES modules (strict), and the banner would push esbuild's directive down.
  banner: { js: '"use strict";\nvar __ctImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
};

// Build beside dist/ and swap it in, so a CLI started by a concurrent test never sees a half-built tree.
const dist = new URL("../dist", import.meta.url);
const staging = new URL(`../.dist-${process.pid}`, import.meta.url).pathname;
await Promise.all([
  build({
    ...commonJs,
    entryPoints: { cli: "src/cli/main.ts" },
    outdir: staging,
    plugins: [actionsApart, lazyChildProcess],
  }),
  // import() in run.cjs and serve.cjs becomes require(): V8 drops a script's dynamic-import callback when it is
  // compiled from the code cache ("A dynamic import callback was not specified" from the second run on),
  // and Node 20 require()s ES modules too.
  build({
    ...commonJs,
    entryPoints: { run: "src/cli/run/run-action.ts", serve: "src/cli/serve/serve-action.ts" },
    outdir: staging,
    supported: { "dynamic-import": false },
    plugins: [englishOnlyZod, oneAiSdkCore, zod3EnumOnly, providerUtils, aiSdkMain, lazyChildProcess, providersApart],
  }),
  build({
    ...commonJs,
    entryPoints: Object.fromEntries(
      APART.map((name) => [`providers/${name}`, fileURLToPath(import.meta.resolve(`@ai-sdk/${name}`))]),
    ),
    outdir: staging,
    external: [...commonJs.external, ...SHARED_WITH_PROVIDERS],
  }),
  build({ ...common, entryPoints: { "scripted-model": "src/scripted-model/main.ts" }, outdir: staging, format: "esm" }),
]);
await build({
  ...common,
  entryPoints: Object.fromEntries(actions),
  outdir: staging,
  splitting: true,
  format: "esm",
  chunkNames: "chunks/[name]-[hash]",
  plugins: [englishOnlyZod, oneAiSdkCore, zod3EnumOnly, providerUtils, aiSdkMain, yogaWithoutFetch, lazyChildProcess],
  // Bundled CommonJS dependencies may call require(); give ESM output a real one.
  banner: {
    js: 'import { createRequire as __ctCreateRequire } from "node:module"; const require = __ctCreateRequire(import.meta.url);',
  },
});
// run.cjs and serve.cjs are compiled by loadBundle (src/cli/code-cache.ts) as a function with CommonJS's parameters:
// written wrapped in it here, its code becomes one string at load, not a second 1.5 MB copy joined to the
// wrapper and held until the next full collection (the one-shot run's peak before its first request −2 MiB).
// On the banner's line, so that the source map's lines still match.
for (const bundle of ["run", "serve", ...APART.map((name) => `providers/${name}`)].map(
  (name) => `${staging}/${name}.cjs`,
))
  await writeFile(
    bundle,
    `(function (exports, require, module, __filename, __dirname) {${await readFile(bundle, "utf8")}\n})`,
  );
await rm(dist, { recursive: true, force: true });
await rename(staging, dist);
