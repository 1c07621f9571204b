// Lets `node --import tsx` load `.txt`/`.md` imports as strings, like esbuild's text loader does in the bundle.
import { register } from "node:module";

register("./text-loader.mjs", import.meta.url);
