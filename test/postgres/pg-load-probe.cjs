// Preloaded (--require) into a CLI process: at exit, writes to $PG_PROBE_FILE whether the `pg` package was loaded.
const { appendFileSync } = require("node:fs");
process.on("exit", () => {
  const loaded = Object.keys(require.cache).some((path) => /[/\\]node_modules[/\\]pg[/\\]/.test(path));
  appendFileSync(process.env.PG_PROBE_FILE, `${loaded ? "pg loaded" : "pg not loaded"}\n`);
});
