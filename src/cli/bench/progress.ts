// The progress line of `codetether bench` on stderr: rewritten in place on a terminal; elsewhere (logs, CI)
// one line each time a benchmark starts, so the output stays short.
export interface Progress {
  update(benchmark: string, detail: string): void;
  /** Clears the line before the results print. */
  done(): void;
}

export function progressLine(stream: NodeJS.WriteStream = process.stderr): Progress {
  let current = "";
  return {
    update(benchmark, detail) {
      if (stream.isTTY) stream.write(`\r\u001b[2Kbench: ${benchmark}: ${detail}`);
      else if (benchmark !== current) stream.write(`bench: ${benchmark}…\n`);
      current = benchmark;
    },
    done() {
      if (stream.isTTY && current) stream.write("\r\u001b[2K");
    },
  };
}
