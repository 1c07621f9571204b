// Preloaded into a CLI process (NODE_OPTIONS=--require) by the memory test: reports the process's peak
// resident set size, in kB, as the last line of stderr when it exits.
process.on("exit", () => require("node:fs").writeSync(2, `\nmax_rss_kb=${process.resourceUsage().maxRSS}\n`));
