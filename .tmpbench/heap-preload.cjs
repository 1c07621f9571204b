// On SIGUSR2: full GC, then write heap figures to $HEAP_OUT.
const fs = require("node:fs");
process.on("SIGUSR2", () => {
  global.gc();
  const m = process.memoryUsage();
  fs.appendFileSync(process.env.HEAP_OUT, JSON.stringify({ heapUsed: m.heapUsed / 2**20, heapTotal: m.heapTotal / 2**20, rss: m.rss / 2**20, external: m.external/2**20, ab: m.arrayBuffers/2**20 }) + "\n");
});
