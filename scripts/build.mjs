// Bundles the CLI: one entry file plus lazily loaded chunks (code splitting keeps `--help` fast);
// npm packages stay external and are loaded from node_modules only by the command that needs them.
import { build } from "esbuild";
import { rm } from "node:fs/promises";

await rm(new URL("../dist", import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { cli: "src/cli/main.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  loader: { ".txt": "text", ".md": "text" },
  jsx: "automatic",
  sourcemap: "linked",
  chunkNames: "chunks/[name]-[hash]",
  logLevel: "warning",
});
